import type { Kysely } from "kysely";
import { runStatements } from "../run-statements.ts";

// A task list reads the tags of a page of tasks: the caller's few tags, then each tag's links
// from this index, whole (tag_id, task_id) pairs, so a page's tags cost one index range per tag
// instead of a task_tags lookup per task (each on a page of its own). It replaces the index on
// tag_id alone, which it also serves (a tag's deletion, the tag_id filter), so writes keep one
// index on tag_id.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    CREATE INDEX idx_task_tags_tag_task ON task_tags (tag_id, task_id);
    DROP INDEX idx_task_tags_tag_id;
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    CREATE INDEX idx_task_tags_tag_id ON task_tags (tag_id);
    DROP INDEX idx_task_tags_tag_task;
  `,
  );
}
