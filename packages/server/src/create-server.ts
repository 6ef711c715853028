import fastifySwagger from "@fastify/swagger";
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
  LogController,
} from "fastify";
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from "fastify-type-provider-zod";
import { describeAnswerHeaders, registerConditionalRequests } from "./conditional.ts";
import { registerLazyDocsUi } from "./docs-ui.ts";
import { type ReadinessCheck, registerHealth } from "./health.ts";
import { withLogPolicy } from "./logging.ts";
import { type Registry, registerMetrics } from "./metrics.ts";
import { registerProblemHandlers } from "./problem.ts";

/** Fastify's request lines, at debug instead of info for the requests `isQuiet` matches (unless they fail). */
class QuietRequestsLogController extends LogController {
  constructor(private readonly isQuiet: (url: string) => boolean) {
    super();
  }

  override incomingRequest(request: FastifyRequest, reply: FastifyReply, metadata?: Record<string, unknown>) {
    if (!this.isQuiet(request.url)) return super.incomingRequest(request, reply, metadata);
    request.log.debug({ req: request }, "incoming request");
  }

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
    metadata?: Record<string, unknown>,
  ) {
    if (error || !this.isQuiet(request.url)) return super.requestCompleted(error, request, reply, metadata);
    reply.log.debug({ res: reply, responseTime: reply.elapsedTime }, "request completed");
  }
}

/**
 * Routes validate and serialize with their zod schemas (fastify-type-provider-zod). Given at
 * construction, these compilers take the place of Fastify's defaults, whose modules (Ajv and its
 * compiler, fast-json-stringify) are then never loaded: ~6 ms of a service's start-up CPU in a
 * --cpu-prof of its bundle, where setValidatorCompiler() after construction came too late. Fastify's
 * types describe Ajv-shaped factories; at run time it calls each and uses the compiler it returns.
 */
const zodCompilers = {
  buildValidator: () => validatorCompiler,
  buildSerializer: () => serializerCompiler,
} as unknown as NonNullable<NonNullable<FastifyServerOptions["schemaController"]>["compilersFactory"]>;

export interface ServerOptions {
  service: string;
  logger: FastifyServerOptions["logger"];
  registry: Registry;
  readiness: ReadinessCheck[];
  trustProxy?: boolean;
  /** Requests logged only at debug (the web app's files), so a page load is not a screenful. */
  isQuietRequest?: (url: string) => boolean;
  /** The HTML page for browser paths that match no route. */
  notFoundPage?: () => Promise<Buffer | null>;
  /** Serve the OpenAPI document at /docs/json and its UI at /docs (loaded with the first /docs request). */
  openapi?: { title: string; description: string; version: string };
}

/** The Fastify instance every service starts from: zod schemas, problem+json, health, metrics. */
export async function createServer(options: ServerOptions): Promise<FastifyInstance> {
  const isQuiet = options.isQuietRequest;
  const app = Fastify({
    logger: withLogPolicy(options.logger),
    ...(isQuiet ? { logController: new QuietRequestsLogController(isQuiet) } : {}),
    trustProxy: options.trustProxy ?? false,
    bodyLimit: 1_048_576,
    genReqId: () => crypto.randomUUID(),
    requestIdHeader: "x-request-id",
    schemaController: { compilersFactory: zodCompilers },
  });
  // On close, Fastify ends idle keep-alive connections, but a connection whose request is still in
  // flight stays open after its answer until the keep-alive timeout (72 s), which holds up a
  // shutdown. Answers sent while closing ask the client to close the connection instead.
  let closing = false;
  app.addHook("preClose", async () => {
    closing = true;
  });
  app.addHook("onSend", (_request, reply, payload, done) => {
    if (closing) reply.header("connection", "close");
    done(null, payload);
  });
  // Generated clients send `content-type: application/json` with no body on DELETE and on
  // body-less POST/PATCH routes: an empty body is no body (a route that needs one still says so).
  const parseJson = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    if (String(body).trim() === "") return done(null, undefined);
    parseJson(request, String(body), done);
  });
  registerConditionalRequests(app);
  registerProblemHandlers(app, options.notFoundPage ? { notFoundPage: options.notFoundPage } : {});
  if (options.openapi) {
    await app.register(fastifySwagger, {
      openapi: {
        info: options.openapi,
        components: {
          securitySchemes: {
            bearer: { type: "http", scheme: "bearer", description: "The token from sign-up or sign-in" },
          },
        },
        security: [{ bearer: [] }],
      },
      transform: jsonSchemaTransform,
      transformObject: (documentObject) =>
        describeAnswerHeaders(
          "openapiObject" in documentObject ? documentObject.openapiObject : documentObject.swaggerObject,
        ),
    });
    registerLazyDocsUi(app, "/docs");
  }
  registerHealth(app, options.readiness);
  registerMetrics(app, options.registry);
  return app;
}
