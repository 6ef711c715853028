import type { FastifyInstance } from "fastify";
import type { Scheduler } from "./scheduler.ts";

export const CRON_BINDING_ROUTE = "/recurring-task-cron";

/** The Dapr cron binding `recurring-task-cron` posts here (its `route` is set explicitly). */
export function registerCronRoute(app: FastifyInstance, scheduler: Scheduler): void {
  app.post(CRON_BINDING_ROUTE, { schema: { hide: true } }, async (_request, reply) => {
    // A failure becomes a 500 through the error handler, which the sidecar logs; the next tick retries.
    return reply.code(200).send(await scheduler.tick());
  });
  app.options(CRON_BINDING_ROUTE, { schema: { hide: true } }, async (_request, reply) =>
    reply.code(200).send(),
  );
}
