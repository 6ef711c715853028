import { requireDaprCaller, type TrustedCallerOptions } from "@todo/events";
import type { FastifyInstance } from "fastify";
import type { NotificationPlugin } from "./service.ts";

/**
 * Distributed mode: the notification API on this service's own server, for the backend to reach
 * by Dapr service invocation. The public routes are open; the user routes (under /api/:user_id)
 * take the caller's identity only from a trusted caller (requireDaprCaller: this sidecar's app API
 * token and an allowed caller app id).
 */
export async function registerInvokedRoutes(
  app: FastifyInstance,
  plugin: NotificationPlugin,
  trust: TrustedCallerOptions,
): Promise<void> {
  plugin.publicRoutes(app);
  await app.register(
    async (scope) => {
      requireDaprCaller(scope, trust);
      plugin.userRoutes(scope);
    },
    { prefix: "/api/:user_id" },
  );
}
