import type { Scheduler } from "@todo/tasks";
import type { FastifyInstance } from "fastify";

export const CRON_BINDING_ROUTE = "/recurring-task-cron";

/** The Dapr cron binding `recurring-task-cron` posts here (its `route` is set explicitly). */
export async function registerCronRoute(app: FastifyInstance, scheduler: Scheduler): Promise<void> {
  await app.register(async (scope) => {
    // The binding posts an empty body labelled application/json; the body carries nothing we use.
    scope.removeContentTypeParser("application/json");
    scope.addContentTypeParser("application/json", { parseAs: "string" }, (_request, _body, done) =>
      done(null, null),
    );
    // A failure becomes a 500 through the error handler, which the sidecar logs; the next tick retries.
    scope.post(CRON_BINDING_ROUTE, { schema: { hide: true } }, async () => scheduler.tick());
    scope.options(CRON_BINDING_ROUTE, { schema: { hide: true } }, async (_request, reply) =>
      reply.code(200).send(),
    );
  });
}
