/**
 * The notification API's paths (src/routes.ts), for a host that serves them from another process
 * (the backend proxies them to the notification service by Dapr service invocation): `user`
 * patterns are relative to /api/:user_id, `public` ones are full paths.
 */
export const notificationApiPaths = {
  user: [
    "/notifications",
    "/notifications/*",
    "/notification-preferences",
    "/push-subscriptions",
    "/webhooks",
    "/webhooks/*",
  ],
  public: ["/api/notifications/channels", "/api/notifications/vapid-public-key"],
} as const;
