import { registerInvokeProxy } from "@todo/events";
import type { FastifyRequest } from "fastify";
import type { BackendPlugin } from "./app.ts";

export interface NotificationProxyOptions {
  /** The backend's sidecar (DAPR_HTTP_PORT). */
  httpPort: number;
  host?: string;
  /** The notification service's Dapr app id (NOTIFICATION_APP_ID). */
  appId: string;
  timeoutMs?: number;
}

/** The notification API's paths under /api/:user_id (the notification service's routes.ts). */
const userPaths = [
  "/notifications",
  "/notifications/*",
  "/notification-preferences",
  "/push-subscriptions",
  "/webhooks",
  "/webhooks/*",
];
const publicPaths = ["/api/notifications/channels", "/api/notifications/vapid-public-key"];

function signedInUser(request: FastifyRequest): string {
  // requireOwnUser ran first: the caller is signed in and the path's user_id is theirs.
  return request.user!.id;
}

/**
 * Distributed mode: the notification API is served by the notification service and reached by
 * Dapr service invocation. The backend authenticates the caller as for every /api/:user_id route
 * (session or bearer token, own user id, Idempotency-Key), then forwards the request with the
 * caller's id; public routes go without one.
 */
export function notificationProxy(options: NotificationProxyOptions): BackendPlugin {
  const invoke = {
    httpPort: options.httpPort,
    appId: options.appId,
    ...(options.host ? { host: options.host } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  };
  return {
    publicRoutes: (app) => registerInvokeProxy(app, invoke, { paths: publicPaths, userId: () => null }),
    userRoutes: (scope) => registerInvokeProxy(scope, invoke, { paths: userPaths, userId: signedInUser }),
  };
}
