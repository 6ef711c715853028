import type { Executor } from "@todo/db";
import { sql } from "kysely";
import type { NetworkPolicy } from "../network-guard.ts";
import { postOutbound } from "../outbound-http.ts";
import { signWebhook } from "../webhook-signature.ts";
import {
  type ChannelProvider,
  type Delivery,
  outcomeOfStatus,
  type PlanInput,
  type SendOutcome,
} from "./provider.ts";

export interface WebhookPayload {
  /** The exact bytes sent on every attempt: {type, timestamp, data}. */
  body: string;
}

export interface WebhookChannelDeps {
  db: Executor;
  network: NetworkPolicy;
  timeoutMs: number;
}

/**
 * Webhooks after the Standard Webhooks specification. webhook-id is the delivery's id, so a
 * receiver can drop a retry it has seen; each attempt is signed with its own timestamp.
 */
export function createWebhookChannel(deps: WebhookChannelDeps): ChannelProvider {
  return {
    channel: "webhook",
    disabledReason: null,
    async plan(tx: Executor, { userId, event }: PlanInput) {
      const hooks = await tx
        .selectFrom("webhooks")
        .select("id")
        .where("user_id", "=", userId)
        .where(sql<boolean>`${event.event_type} = ANY(event_types)`)
        .orderBy("id")
        .execute();
      const body = JSON.stringify({ type: event.event_type, timestamp: event.timestamp, data: event });
      return hooks.map((h) => ({ destination: String(h.id), payload: { body } satisfies WebhookPayload }));
    },
    async send(delivery: Delivery): Promise<SendOutcome> {
      const hook = await deps.db
        .selectFrom("webhooks")
        .select(["url", "secret"])
        .where("id", "=", Number(delivery.destination))
        .where("user_id", "=", delivery.user_id)
        .executeTakeFirst();
      if (!hook) return { kind: "skipped", reason: "the webhook was deleted" };
      const { body } = delivery.payload as WebhookPayload;
      const timestamp = Math.floor(Date.now() / 1000);
      const response = await postOutbound(
        {
          url: hook.url,
          headers: {
            "content-type": "application/json",
            "user-agent": "todo-notification-service",
            "webhook-id": delivery.id,
            "webhook-timestamp": String(timestamp),
            "webhook-signature": signWebhook(hook.secret, delivery.id, timestamp, body),
          },
          body,
          timeoutMs: deps.timeoutMs,
        },
        deps.network,
      );
      return outcomeOfStatus(response.status, response.text, response.headers["retry-after"]);
    },
  };
}
