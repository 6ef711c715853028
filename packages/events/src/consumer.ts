import { DomainEvent, eventSchemas } from "@todo/contracts";
import type { Database } from "@todo/db";
import type { Counter, Log } from "@todo/server";
import type { Kysely, Transaction } from "kysely";
import { unwrapPayload } from "./cloud-event.ts";

/** What a subscriber answers Dapr: done, try again later, or give up on this message. */
export type Outcome = "SUCCESS" | "RETRY" | "DROP";

export interface ConsumeResult {
  outcome: Outcome;
  /** Why the event was dropped or ignored, or that it had been processed before. */
  note?: string;
}

/** Thrown by a handler for an event it can never process; the event is dropped, not retried. */
export class PermanentEventError extends Error {
  override name = "PermanentEventError";
}

export interface ConsumerDeps {
  db: Kysely<Database>;
  log: Log;
  consumed?: Counter<"consumer" | "outcome">;
}

export type EventHandler = (event: DomainEvent, tx: Transaction<Database>) => Promise<void>;

/**
 * Runs `handle` at most once per (consumer, event_id): the processed mark and the handler's
 * effects commit in one transaction, so a redelivery, even on another replica at the same time,
 * finds the mark (the unique key makes the second insert wait, then do nothing) and has no effect.
 */
export async function consumeEvent(
  deps: ConsumerDeps,
  consumer: string,
  raw: unknown,
  handle: EventHandler,
): Promise<ConsumeResult> {
  const result = await consume(deps, consumer, raw, handle);
  deps.consumed?.inc({
    consumer,
    outcome: result.note === "duplicate" ? "duplicate" : result.outcome.toLowerCase(),
  });
  return result;
}

async function consume(
  deps: ConsumerDeps,
  consumer: string,
  raw: unknown,
  handle: EventHandler,
): Promise<ConsumeResult> {
  const payload = unwrapPayload(raw);
  const type = (payload as { event_type?: unknown } | null)?.event_type;
  if (typeof type === "string" && !(type in eventSchemas)) {
    // A newer producer's event type: not ours to judge, and not a reason to block the partition.
    return { outcome: "SUCCESS", note: `ignored unknown event type ${type}` };
  }
  const parsed = DomainEvent.safeParse(payload);
  if (!parsed.success) {
    const reason = parsed.error.issues.map((i) => `${i.path.join(".") || "event"}: ${i.message}`).join("; ");
    deps.log.warn({ consumer, reason }, "dropping a malformed event");
    return { outcome: "DROP", note: `malformed event: ${reason}` };
  }
  const event = parsed.data;
  try {
    const duplicate = await deps.db.transaction().execute(async (tx) => {
      const marked = await tx
        .insertInto("processed_events")
        .values({ consumer, event_id: event.event_id })
        .onConflict((oc) => oc.doNothing())
        .returning("event_id")
        .executeTakeFirst();
      if (!marked) return true;
      await handle(event, tx);
      return false;
    });
    return duplicate ? { outcome: "SUCCESS", note: "duplicate" } : { outcome: "SUCCESS" };
  } catch (error) {
    if (error instanceof PermanentEventError) {
      deps.log.warn({ consumer, event_id: event.event_id, reason: error.message }, "dropping an event");
      return { outcome: "DROP", note: error.message };
    }
    deps.log.error({ consumer, event_id: event.event_id, err: error }, "event handler failed; will retry");
    return { outcome: "RETRY", note: (error as Error).message };
  }
}
