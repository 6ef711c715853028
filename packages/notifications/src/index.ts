export { notificationApiPaths } from "./api-paths.ts";
export type { ChannelProvider, Delivery, SendOutcome } from "./channels/provider.ts";
export {
  ConfigError,
  loadNotificationConfig,
  loadServiceConfig,
  type NotificationConfig,
  type ServiceConfig,
} from "./config.ts";
export { backoffMs, DeliveryWorker, type RetryPolicy } from "./delivery-worker.ts";
export { isPublicAddress, type Resolver } from "./network-guard.ts";
export { listNotifications, markAllRead, setNotificationRead } from "./notifications.ts";
export { DEFAULT_PREFERENCES } from "./preferences.ts";
export {
  CONSUMER_NAME,
  createNotificationService,
  type NotificationService,
  type NotificationServiceDeps,
} from "./service.ts";
export { newWebhookSecret, signWebhook } from "./webhook-signature.ts";
