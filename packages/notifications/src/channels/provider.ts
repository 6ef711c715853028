import type { DomainEvent } from "@todo/contracts";
import type { Executor } from "@todo/db";
import type { Message } from "../messages.ts";

export type DeliveryChannel = "email" | "push" | "webhook";

/** A row of notification_deliveries as the worker claimed it. */
export interface Delivery {
  id: string;
  user_id: string;
  event_id: string;
  event_type: string;
  channel: DeliveryChannel;
  destination: string;
  payload: unknown;
  /** Including the attempt being made. */
  attempts: number;
}

export interface PlannedDelivery {
  destination: string;
  payload: unknown;
}

/** What one attempt came to; the worker turns it into a status, a retry time and a metric. */
export type SendOutcome =
  | { kind: "delivered"; detail?: string }
  | { kind: "retry"; error: string; retryAfterMs?: number }
  | { kind: "dead"; error: string }
  | { kind: "skipped"; reason: string };

export interface PlanInput {
  userId: string;
  /** The in-app notification made for the same event, when the user has in-app on. */
  notificationId: number | null;
  event: DomainEvent;
  message: Message;
}

/**
 * One outside channel (e-mail, web push, webhooks). `plan` runs inside the event's transaction
 * and says where the event goes; `send` makes one attempt for one delivery, outside any transaction.
 */
export interface ChannelProvider {
  readonly channel: DeliveryChannel;
  /** Why the channel is off on this server (its deliveries are recorded as skipped), or null. */
  readonly disabledReason: string | null;
  plan(tx: Executor, input: PlanInput): Promise<PlannedDelivery[]>;
  send(delivery: Delivery): Promise<SendOutcome>;
  close?(): Promise<void>;
}

/** The retry rule for HTTP answers: 408, 429 and 5xx may pass; other 4xx and 3xx never will. */
export function outcomeOfStatus(status: number, text: string, retryAfter?: string | string[]): SendOutcome {
  if (status >= 200 && status < 300) return { kind: "delivered", detail: `HTTP ${status}` };
  const error = `HTTP ${status}${text ? `: ${text.slice(0, 200)}` : ""}`;
  if (status === 408 || status === 429 || status >= 500) {
    const seconds = Number(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter);
    return Number.isFinite(seconds) && seconds > 0
      ? { kind: "retry", error, retryAfterMs: seconds * 1000 }
      : { kind: "retry", error };
  }
  if (status >= 300 && status < 400) return { kind: "dead", error: `${error} (redirects are not followed)` };
  return { kind: "dead", error };
}
