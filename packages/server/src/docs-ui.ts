import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import plugin from "fastify-plugin";

/** Headers of the inner answer that belong to its own (simulated) connection, not to ours. */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "content-length", "date"]);

/**
 * Serves `@fastify/swagger-ui` at /docs (the UI, its static files, /docs/json and /docs/yaml)
 * without loading it at start-up: the plugin and its dependencies (@fastify/static, yaml, the
 * asset folder) cost the backend ~50 ms of CPU before listen in a `--cpu-prof` of the bundle,
 * and most replicas never serve a /docs request. The first request under /docs imports it into a
 * Fastify instance of its own, whose `swagger()` is `app`'s (the @fastify/swagger document,
 * registered on `app` as before), and every /docs request is answered by that instance through
 * `inject` (light-my-request, no socket), with its status, headers and body.
 * Call before `app` is ready; `app` must have @fastify/swagger registered.
 */
export function registerLazyDocsUi(app: FastifyInstance, routePrefix: string): void {
  let ui: Promise<FastifyInstance> | undefined;
  const build = async () => {
    const { default: swaggerUi } = await import("@fastify/swagger-ui");
    const inner = Fastify({ logger: false });
    // swagger-ui declares @fastify/swagger as a dependency and calls its swagger(): `app`'s.
    const swagger = ((options?: { yaml?: boolean }) =>
      app.swagger(options as never)) as FastifyInstance["swagger"];
    await inner.register(
      plugin(
        async (scope) => {
          scope.decorate("swagger", swagger);
        },
        { name: "@fastify/swagger" },
      ),
    );
    await inner.register(swaggerUi, { routePrefix });
    await inner.ready();
    return inner;
  };
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    ui ??= build().catch((error) => {
      ui = undefined;
      throw error;
    });
    const answer = await (await ui).inject({
      method: request.method as "GET" | "HEAD",
      url: request.url,
      headers: request.headers,
    });
    for (const [name, value] of Object.entries(answer.headers))
      if (value !== undefined && !HOP_BY_HOP.has(name)) reply.header(name, value);
    return reply.code(answer.statusCode).send(answer.rawPayload);
  };
  app.addHook("onClose", async () => {
    if (ui) await (await ui).close();
  });
  for (const url of [routePrefix, `${routePrefix}/*`])
    app.route({ method: ["GET", "HEAD"], url, schema: { hide: true }, handler });
}
