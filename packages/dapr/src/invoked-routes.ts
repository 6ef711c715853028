import type { RoutesPlugin } from "@todo/server";
import type { FastifyInstance } from "fastify";
import { requireDaprCaller, type TrustedCallerOptions } from "./dapr-invocation.ts";

/**
 * Distributed mode: a routes plugin (e.g. the notification API) on its service's own server, for
 * another app (the backend) to reach by Dapr service invocation. The public routes are open; the user routes (under /api/:user_id)
 * take the caller's identity only from a trusted caller (requireDaprCaller: this sidecar's app API
 * token and an allowed caller app id).
 */
export async function registerInvokedRoutes(
  app: FastifyInstance,
  plugin: RoutesPlugin,
  trust: TrustedCallerOptions,
): Promise<void> {
  plugin.publicRoutes?.(app);
  await app.register(
    async (scope) => {
      requireDaprCaller(scope, trust);
      plugin.userRoutes?.(scope);
    },
    { prefix: "/api/:user_id" },
  );
}
