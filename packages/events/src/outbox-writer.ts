import { randomUUID } from "node:crypto";
import {
  type DomainEvent,
  type DomainEventType,
  type EventSource,
  SCHEMA_VERSION,
  topicOf,
} from "@todo/contracts";
import { type Executor, withTransaction } from "@todo/db";
import { type RawBuilder, sql } from "kysely";
import { assignSequences, TASK_AGGREGATE } from "./event-sequence.ts";

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type NewEvent = DistributiveOmit<
  DomainEvent,
  "event_id" | "schema_version" | "timestamp" | "source" | "sequence"
> & {
  source?: EventSource;
};

const DEFAULT_SOURCE: EventSource = "backend";

/**
 * Writes an event to the outbox. Call it with the transaction that makes the change, so the
 * change and its event commit together or not at all. The event gets its `sequence` within its
 * aggregate there too (assignSequences).
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
  // In a transaction of its own when the caller has none: the numbers and the rows commit together.
  return withTransaction(db, async (tx) => {
    // (NewEvent's Omit over loose objects hides the named fields from the compiler; they are there.)
    const sequences = await assignSequences(tx, events as { task_id: number | null; user_id: string }[]);
    const payloads = events.map(
      (event, i) =>
        ({
          ...event,
          event_id: randomUUID(),
          schema_version: SCHEMA_VERSION,
          timestamp: now.toISOString(),
          source: event.source ?? DEFAULT_SOURCE,
          sequence: sequences[i]!,
        }) as DomainEvent,
    );
    await tx
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
  });
}

/**
 * recordEvent in SQL, for a statement that makes a task's change and writes its event at once (a
 * create: one statement, so one round trip and no transaction around it). A data-modifying CTE
 * body that inserts, for each row of the CTE `row` (the task's `id`, `user_id`, `task` as the API
 * shows it, and `timestamp` as ISO-8601 UTC with ms), the outbox row recordEvents would write:
 * payload `{event_type, task_id, user_id, data: {task}, event_id, schema_version, timestamp, source,
 * sequence}`, with the number the CTE `sequence` answers (taskSequenceSql over the same row).
 */
export function taskEventSql(
  event: { event_type: DomainEventType; source?: EventSource | undefined },
  row: string,
  sequence: string,
): RawBuilder<Record<string, never>> {
  return sql`(INSERT INTO outbox (event_id, topic, event_type, partition_key, payload)
    SELECT e.id, ${topicOf(event.event_type)}, ${event.event_type}, r.user_id, jsonb_build_object(
      'event_type', ${event.event_type}::text, 'task_id', r.id, 'user_id', r.user_id,
      'data', jsonb_build_object('task', r.task), 'event_id', e.id,
      'schema_version', ${SCHEMA_VERSION}::int, 'timestamp', r.timestamp,
      'source', ${event.source ?? DEFAULT_SOURCE}::text, 'sequence', s.last_sequence)
    FROM ${sql.table(row)} r JOIN ${sql.table(sequence)} s ON s.aggregate = ${TASK_AGGREGATE}::text || r.id,
      LATERAL (SELECT gen_random_uuid() AS id) e)`;
}
