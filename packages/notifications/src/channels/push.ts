import { clipUtf8 } from "@todo/contracts";
import type { Executor } from "@todo/db";
import type { NetworkPolicy } from "../network-guard.ts";
import { postOutbound } from "../outbound-http.ts";
import {
  type ChannelProvider,
  type Delivery,
  outcomeOfStatus,
  type PlanInput,
  type SendOutcome,
} from "./provider.ts";

export interface PushPayload {
  title: string;
  body: string;
  event_type: string;
  task_id: number | null;
  notification_id: number | null;
  url: string;
}

export interface PushChannelDeps {
  db: Executor;
  vapid: { publicKey: string; privateKey: string; subject: string } | null;
  network: NetworkPolicy;
  timeoutMs: number;
}

/**
 * Web push (RFC 8030) with VAPID (RFC 8292) and an aes128gcm payload (RFC 8291), encrypted by the
 * web-push package; the request goes through the same guarded client as webhooks. A push service
 * that answers 404 or 410 has forgotten the subscription, so it is removed here too. web-push is
 * loaded with the first push, not at start: the backend serves the subscription routes without it.
 */
export function createPushChannel(deps: PushChannelDeps): ChannelProvider {
  return {
    channel: "push",
    disabledReason: deps.vapid ? null : "web push is disabled on this server (no VAPID keys)",
    async plan(tx: Executor, { userId, event, message, notificationId }: PlanInput) {
      const subscriptions = await tx
        .selectFrom("push_subscriptions")
        .select("endpoint")
        .where("user_id", "=", userId)
        .orderBy("id")
        .execute();
      // A push message holds at most 4096 bytes once encrypted (RFC 8291 §4): the texts are cut, on
      // grapheme boundaries, well inside that.
      const payload: PushPayload = {
        title: clipUtf8(message.title, 600),
        body: clipUtf8(message.body, 2400),
        event_type: event.event_type,
        task_id: event.task_id,
        notification_id: notificationId,
        url: "/",
      };
      return subscriptions.map((s) => ({ destination: s.endpoint, payload }));
    },
    async send(delivery: Delivery): Promise<SendOutcome> {
      if (!deps.vapid) return { kind: "skipped", reason: "web push is disabled on this server" };
      const subscription = await deps.db
        .selectFrom("push_subscriptions")
        .select(["endpoint", "p256dh", "auth"])
        .where("user_id", "=", delivery.user_id)
        .where("endpoint", "=", delivery.destination)
        .executeTakeFirst();
      if (!subscription) return { kind: "skipped", reason: "the push subscription was removed" };
      const { default: webpush } = await import("web-push");
      const details = webpush.generateRequestDetails(
        { endpoint: subscription.endpoint, keys: { p256dh: subscription.p256dh, auth: subscription.auth } },
        JSON.stringify(delivery.payload),
        {
          vapidDetails: deps.vapid,
          TTL: 24 * 3600,
          contentEncoding: "aes128gcm",
          urgency: delivery.event_type === "task.due.approaching" ? "high" : "normal",
        },
      );
      const response = await postOutbound(
        {
          url: details.endpoint,
          headers: details.headers as Record<string, string | number>,
          body: details.body ?? Buffer.alloc(0),
          timeoutMs: deps.timeoutMs,
        },
        deps.network,
      );
      if (response.status === 404 || response.status === 410) {
        await deps.db
          .deleteFrom("push_subscriptions")
          .where("user_id", "=", delivery.user_id)
          .where("endpoint", "=", delivery.destination)
          .execute();
        return {
          kind: "dead",
          error: `HTTP ${response.status}: the push service no longer knows this subscription; removed`,
        };
      }
      return outcomeOfStatus(response.status, response.text, response.headers["retry-after"]);
    },
  };
}
