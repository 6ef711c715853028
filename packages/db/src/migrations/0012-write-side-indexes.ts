import type { Kysely } from "kysely";
import { runStatements } from "../run-statements.ts";

// Indexes that every create writes and no query reads (checked with EXPLAIN on the benchmark's
// database of a million tasks):
// - idx_task_tags_task_id: task_tags' primary key (task_id, tag_id) serves every lookup by task_id.
// - idx_outbox_pending: idx_outbox_pending_partition (partition_key, id) has the same predicate
//   (published_at IS NULL), so it serves the relay's claim and the pending gauges as well.
// - idx_tasks_priority_id: tasks are always read by user (the list's filter on priority included);
//   only deleting a priority would look tasks up by it, and priorities are reference data.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `DROP INDEX idx_task_tags_task_id;
     DROP INDEX idx_outbox_pending;
     DROP INDEX idx_tasks_priority_id`,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `CREATE INDEX idx_tasks_priority_id ON tasks(priority_id);
     CREATE INDEX idx_outbox_pending ON outbox(id) WHERE published_at IS NULL;
     CREATE INDEX idx_task_tags_task_id ON task_tags(task_id);`,
  );
}
