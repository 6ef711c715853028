import { randomUUID } from "node:crypto";
import type { DomainEvent, NotificationChannel } from "@todo/contracts";
import type { Database } from "@todo/db";
import { recordEvent } from "@todo/events";
import { sql, type Transaction } from "kysely";
import type { ChannelProvider } from "./channels/provider.ts";
import { renderMessage } from "./messages.ts";
import { toNotification } from "./notifications.ts";
import { channelsFor } from "./preferences.ts";

/**
 * Turns one event into an in-app notification and deliveries, inside the transaction that marks
 * the event processed. Unique keys (notifications.event_id; deliveries (event_id, channel,
 * destination)) make a second run harmless even if the processed mark were ever bypassed.
 */
export async function notifyForEvent(
  providers: ChannelProvider[],
  event: DomainEvent,
  tx: Transaction<Database>,
): Promise<void> {
  // Our own announcement of a notification: notifying about it would loop.
  if (event.event_type === "notification.created") return;
  // A reopened task is no longer done: its "Completed" notification is withdrawn (removed), so the
  // bell never announces an open task as done. Same transaction as the event's processed mark.
  if (
    event.event_type === "task.updated" &&
    event.data.changed_fields?.includes("completed") &&
    !event.data.task.completed
  ) {
    await tx
      .deleteFrom("notifications")
      .where("user_id", "=", event.user_id)
      .where("task_id", "=", event.task_id)
      .where("event_type", "=", "task.completed")
      .execute();
  }
  const user = await tx
    .selectFrom("users")
    .select(["id", "timezone"])
    .where("id", "=", event.user_id)
    .executeTakeFirst();
  if (!user) return; // the account is gone: nobody to tell
  // The reader's own zone; a template's zone governs only its schedule.
  const message = renderMessage(event, { timeZone: user.timezone ?? "UTC" });
  if (!message) return;

  // A task the user created is no news to them; only the recurring service's instances are.
  const personal = !(event.event_type === "task.created" && event.source !== "recurring-task-service");
  const requested = event.event_type === "notification.send" ? event.data.channels : undefined;
  const allowed = (channel: NotificationChannel) => !requested || requested.includes(channel);
  const chosen = await channelsFor(tx, event.user_id, event.event_type);

  let notificationId: number | null = null;
  if (personal && chosen.in_app && allowed("in_app")) {
    const row = await tx
      .insertInto("notifications")
      .values({
        user_id: event.user_id,
        event_id: event.event_id,
        event_type: event.event_type,
        task_id: event.task_id,
        title: message.title,
        body: message.body,
      })
      .onConflict((oc) => oc.column("event_id").doNothing())
      .returningAll()
      .executeTakeFirst();
    if (row) {
      notificationId = row.id;
      // Same transaction: the live stream shows the notification exactly when it exists.
      await recordEvent(tx, {
        event_type: "notification.created",
        task_id: event.task_id,
        user_id: event.user_id,
        source: "notification-service",
        data: { notification: toNotification(row) },
      });
    }
  }

  for (const provider of providers) {
    const wanted =
      provider.channel === "webhook"
        ? allowed("webhook")
        : personal && chosen[provider.channel] && allowed(provider.channel);
    if (!wanted) continue;
    const planned = await provider.plan(tx, { userId: event.user_id, event, message, notificationId });
    if (planned.length === 0) continue;
    const skipped = provider.disabledReason;
    await tx
      .insertInto("notification_deliveries")
      .values(
        planned.map((p) => ({
          id: randomUUID(),
          user_id: event.user_id,
          event_id: event.event_id,
          event_type: event.event_type,
          channel: provider.channel,
          destination: p.destination,
          payload: JSON.stringify(p.payload),
          status: skipped ? ("skipped" as const) : ("pending" as const),
          last_error: skipped,
          next_attempt_at: skipped ? null : sql<Date>`now()`,
        })),
      )
      .onConflict((oc) => oc.columns(["event_id", "channel", "destination"]).doNothing())
      .execute();
  }
}
