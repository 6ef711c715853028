import type { Executor } from "@todo/db";
import { type RawBuilder, sql } from "kysely";

/** The prefix of a task's aggregate ("task/<id>"), shared by aggregateOf and the SQL below. */
export const TASK_AGGREGATE = "task/";

/**
 * The aggregate an event is ordered within: its task when it names one ("task/<id>"), else its
 * user ("user/<id>": notification.send without a task, user.deleted).
 */
export function aggregateOf(event: { task_id: number | null; user_id: string }): string {
  return event.task_id !== null ? `${TASK_AGGREGATE}${event.task_id}` : `user/${event.user_id}`;
}

/**
 * assignSequences in SQL, for the one event of a task that the same statement inserts: a data-
 * modifying CTE body over the CTE `row` (one row per task, with its `id` and `user_id`) that
 * counts each task's aggregate (aggregateOf: "task/<id>") up by one and answers `aggregate` and
 * `last_sequence`, the event's number (1 for a new task). Same row lock as assignSequences.
 */
export function taskSequenceSql(row: string): RawBuilder<{ aggregate: string; last_sequence: number }> {
  return sql`(INSERT INTO event_sequences (aggregate, user_id, last_sequence)
    SELECT ${TASK_AGGREGATE}::text || r.id, r.user_id, 1 FROM ${sql.table(row)} r
    ON CONFLICT (aggregate) DO UPDATE SET last_sequence = event_sequences.last_sequence + 1
    RETURNING aggregate, last_sequence)`;
}

/**
 * Numbers events within their aggregates, in the order given: 1 for an aggregate's first event,
 * then one more for each. One statement for any number of events; it locks each aggregate's
 * counter row until the caller's transaction ends, so a concurrent writer of the same aggregate
 * waits and takes the next number: numbers rise in commit order. Rows are taken in key order, so
 * two writers of several aggregates cannot deadlock on them.
 *
 * @returns one sequence number (≥ 1) per event, at the event's index
 */
export async function assignSequences(
  db: Executor,
  events: { task_id: number | null; user_id: string }[],
): Promise<number[]> {
  const counts = new Map<string, { userId: string; count: number }>();
  const aggregates = events.map((event) => {
    const aggregate = aggregateOf(event);
    const entry = counts.get(aggregate) ?? { userId: event.user_id, count: 0 };
    entry.count += 1;
    counts.set(aggregate, entry);
    return aggregate;
  });
  const rows = await db
    .insertInto("event_sequences")
    .values(
      [...counts.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([aggregate, { userId, count }]) => ({ aggregate, user_id: userId, last_sequence: count })),
    )
    .onConflict((oc) =>
      oc.column("aggregate").doUpdateSet((eb) => ({
        last_sequence: eb("event_sequences.last_sequence", "+", eb.ref("excluded.last_sequence")),
      })),
    )
    .returning(["aggregate", "last_sequence"])
    .execute();
  // The first number each aggregate's events take in this call, counting up in the given order.
  const next = new Map(
    rows.map((r) => [r.aggregate, Number(r.last_sequence) - counts.get(r.aggregate)!.count + 1]),
  );
  return aggregates.map((aggregate) => {
    const sequence = next.get(aggregate)!;
    next.set(aggregate, sequence + 1);
    return sequence;
  });
}
