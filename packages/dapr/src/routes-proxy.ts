import type { RoutesPlugin } from "@todo/server";
import type { FastifyRequest } from "fastify";
import { type InvokeProxyOptions, registerInvokeProxy } from "./dapr-invocation.ts";

export interface RoutesProxyOptions extends InvokeProxyOptions {
  /** Path patterns the invoked app serves under /api/:user_id, e.g. "/webhooks", "/webhooks/*". */
  userPaths: readonly string[];
  /** Full paths it serves without a user, e.g. "/api/notifications/channels". */
  publicPaths: readonly string[];
  /** The signed-in caller's id; the host's auth ran first, so the path's user_id is theirs. */
  userIdOf(request: FastifyRequest): string;
}

/**
 * Distributed mode: another app's routes (the notification API) reached by Dapr service
 * invocation, as a plugin of the calling service. The host authenticates the caller as for every
 * /api/:user_id route (session or bearer token, own user id, Idempotency-Key), then the request
 * goes on with the caller's id; public routes go without one. The invoked app serves the same
 * plugin with `registerInvokedRoutes`.
 */
export function invokedRoutesProxy(options: RoutesProxyOptions): RoutesPlugin {
  const { userPaths, publicPaths, userIdOf, ...invoke } = options;
  return {
    publicRoutes: (app) => registerInvokeProxy(app, invoke, { paths: publicPaths, userId: () => null }),
    userRoutes: (scope) => registerInvokeProxy(scope, invoke, { paths: userPaths, userId: userIdOf }),
  };
}
