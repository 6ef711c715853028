import { z } from "zod";
import { CursorParam, DateTime, Id, PageInfo } from "./common.ts";
import { lineText, noControlCharacters } from "./text.ts";

export const Notification = z.object({
  id: z.number().int(),
  event_id: z.string(),
  event_type: z.string(),
  task_id: z.number().int().nullable(),
  title: z.string(),
  body: z.string(),
  read: z.boolean(),
  created_at: DateTime,
});
export type Notification = z.infer<typeof Notification>;

export const NotificationList = z.object({
  items: z.array(Notification),
  unread_count: z.number().int(),
  page: PageInfo,
});
export type NotificationList = z.infer<typeof NotificationList>;

export const ListNotificationsQuery = z.strictObject({
  unread: z.enum(["true", "false"]).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).default(0),
  cursor: CursorParam,
});
export const ListDeliveriesQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: CursorParam,
});
export const UpdateNotificationBody = z.strictObject({ read: z.boolean() });
export const ReadAllResult = z.object({ updated: z.number().int() });

/**
 * A delivery's state: pending (not tried yet), failed (tried, to be retried at next_attempt_at),
 * delivered, dead (gave up, or refused for good), skipped (the channel is off on this server).
 */
export const DeliveryStatus = z.enum(["pending", "delivered", "failed", "dead", "skipped"]);
export type DeliveryStatus = z.infer<typeof DeliveryStatus>;

export const DeliveryHistoryEntry = z.object({
  at: DateTime,
  outcome: z.string(),
  detail: z.string().nullable(),
});
export type DeliveryHistoryEntry = z.infer<typeof DeliveryHistoryEntry>;

export const DeliveryAttempt = z.object({
  /** Also the webhook-id header of a webhook delivery, the same on every retry. */
  id: z.string(),
  channel: z.string(),
  destination: z.string(),
  status: DeliveryStatus,
  attempts: z.number().int(),
  last_error: z.string().nullable(),
  next_attempt_at: DateTime.nullable(),
  created_at: DateTime,
  updated_at: DateTime,
  history: z.array(DeliveryHistoryEntry),
});
export const DeliveryList = z.object({
  items: z.array(DeliveryAttempt),
  page: z.object({ limit: z.number().int(), next_cursor: z.string().nullable() }),
});

/** Channels a user wants per event type; in-app is on by default, email for due reminders. */
export const ChannelChoice = z.strictObject({
  in_app: z.boolean().optional(),
  email: z.boolean().optional(),
  push: z.boolean().optional(),
});
export const PreferenceEventType = z.enum([
  "task.created",
  "task.updated",
  "task.completed",
  "task.deleted",
  "task.due.approaching",
  "notification.send",
]);
export const NotificationPreferences = z.object({
  preferences: z.record(PreferenceEventType, ChannelChoice),
});
export type NotificationPreferences = z.infer<typeof NotificationPreferences>;
export const UpdateNotificationPreferencesBody = z.strictObject({
  preferences: z.partialRecord(PreferenceEventType, ChannelChoice),
});

export const WebhookEventTypes = z.array(PreferenceEventType).min(1).max(6);
export const CreateWebhookBody = z.strictObject({
  url: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .superRefine(noControlCharacters),
  event_types: WebhookEventTypes,
  description: lineText(200).optional(),
});
export const Webhook = z.object({
  id: z.number().int(),
  url: z.string(),
  event_types: z.array(z.string()),
  description: z.string().nullable(),
  /** Goes up by one with every change; the ETag is "<version>", If-Match takes it back. */
  version: z.number().int(),
  created_at: DateTime,
});
/** Only the creation answer carries the secret (whsec_<base64>); it is not shown again. */
export const CreatedWebhook = Webhook.extend({ secret: z.string() });
export const WebhookList = z.object({ items: z.array(Webhook) });

export const PushSubscriptionBody = z.strictObject({
  endpoint: z.url().max(2000).superRefine(noControlCharacters),
  // Milliseconds since the epoch (the browser's PushSubscription); bounded to what a Date and the
  // database hold (up to the end of year 9999), so a wild number is a 400, not a 500.
  expirationTime: z.number().min(0).max(253_402_300_799_999).nullable().optional(),
  keys: z.strictObject({ p256dh: lineText(200).min(1), auth: lineText(100).min(1) }),
});
export const PushSubscriptionInfo = z.object({ endpoint: z.string(), created_at: DateTime });
export const DeletePushSubscriptionBody = z.strictObject({
  endpoint: z.url().max(2000).superRefine(noControlCharacters),
});
export const VapidPublicKey = z.object({ public_key: z.string().nullable() });
/** Which channels this server can deliver on: e-mail needs SMTP_URL, web push the VAPID keys. */
export const NotificationChannels = z.object({
  in_app: z.boolean(),
  email: z.boolean(),
  push: z.boolean(),
  webhook: z.boolean(),
});
export type NotificationChannels = z.infer<typeof NotificationChannels>;

export const NotificationParams = z.object({ user_id: z.string(), id: Id });
