import { randomUUID } from "node:crypto";
import { type DomainEvent, type EventSource, SCHEMA_VERSION, topicOf } from "@todo/contracts";
import type { Executor } from "@todo/db";

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type NewEvent = DistributiveOmit<
  DomainEvent,
  "event_id" | "schema_version" | "timestamp" | "source"
> & {
  source?: EventSource;
};

/**
 * Writes an event to the outbox. Call it with the transaction that makes the change, so the
 * change and its event commit together or not at all.
 */
export async function recordEvent(db: Executor, event: NewEvent, now = new Date()): Promise<DomainEvent> {
  return (await recordEvents(db, [event], now))[0]!;
}

/**
 * Writes several events to the outbox in one statement, in the order given (which is the order
 * the relay publishes them in per user). Same rule as recordEvent: call it with the transaction
 * that makes the changes.
 */
export async function recordEvents(
  db: Executor,
  events: NewEvent[],
  now = new Date(),
): Promise<DomainEvent[]> {
  if (events.length === 0) return [];
  const payloads = events.map(
    (event) =>
      ({
        ...event,
        event_id: randomUUID(),
        schema_version: SCHEMA_VERSION,
        timestamp: now.toISOString(),
        source: event.source ?? "backend",
      }) as DomainEvent,
  );
  await db
    .insertInto("outbox")
    .values(
      payloads.map((payload) => ({
        event_id: payload.event_id,
        topic: topicOf(payload.event_type),
        event_type: payload.event_type,
        partition_key: payload.user_id,
        payload: JSON.stringify(payload),
      })),
    )
    .execute();
  return payloads;
}
