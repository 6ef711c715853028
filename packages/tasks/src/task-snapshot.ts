import type { TagSummary, Task } from "@todo/contracts";
import type { Executor, TasksTable } from "@todo/db";
import { type RawBuilder, type Selectable, sql } from "kysely";

export type TaskRow = Selectable<TasksTable>;

/** A timestamp column as JavaScript's toISOString writes it (UTC, milliseconds), or null. */
export function isoTime(column: string): RawBuilder<string | null> {
  return sql`to_char(${sql.ref(column)} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

/**
 * The aggregate of tag rows `g` (each a row of exactly `id, name, color`) into the JSON array a
 * task shows: `[{"id":..,"name":..,"color":..}, ...]` ordered by name, compact; null over no rows.
 */
export function tagsAggregate(g: string): RawBuilder<unknown> {
  const row = sql.ref(g);
  return sql`array_to_json(array_agg(row_to_json(${row}) ORDER BY (${row}).name))`;
}

/**
 * Tags as the task shows them: a JSON array of `{id, name, color}` ordered by name, `[]` for none,
 * over `rows`, a query with those three columns.
 */
export function tagsJsonOf(rows: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`coalesce((SELECT ${tagsAggregate("g")} FROM (${rows}) g), '[]'::json)`;
}

/** The task's tags, read from task_tags. */
const storedTags = tagsJsonOf(
  sql`SELECT g.id, g.name, g.color FROM task_tags tt JOIN tags g ON g.id = tt.tag_id WHERE tt.task_id = t.id`,
);

/** A task's priority as the task shows it (`{"id":..,"name":..,"level":..,"color":..}`) over its row `p`. */
const priorityOfRow = sql`(SELECT row_to_json(pr) FROM (SELECT p.id, p.name, p.level, p.color) pr)`;

/**
 * The priorities as a row source `p` whose whole row is the priority as the task shows it, for
 * taskJson's `priority` (`row_to_json(p)`): a statement over many tasks builds each row's JSON
 * from it without a subquery per task.
 */
export const prioritiesAsShown = sql`(SELECT id, name, level, color FROM priorities)`;

/**
 * The one SQL expression of a task as the API and the events show it (the contracts' Task: its
 * priority and its tags inside), as compact JSON, over a row `t` with the tasks table's columns
 * joined with its priority `p`. Get, list and every insert or update RETURNING select it, so the
 * shape is written once and built by the database.
 *
 * @param tags the tags' JSON: by default read from task_tags; a statement that inserts the task
 *   cannot see the tag rows it writes, so it passes the tags it wrote (`tagsJson`); a list passes
 *   the tags it read for the whole page at once
 * @param priority the priority's JSON: by default built from `p`'s columns; over
 *   `prioritiesAsShown`, `row_to_json(p)` (the same text)
 */
export function taskJson(
  tags: RawBuilder<unknown> = storedTags,
  priority: RawBuilder<unknown> = priorityOfRow,
): RawBuilder<Task> {
  return sql<Task>`(SELECT row_to_json(x) FROM (SELECT
    t.id, t.user_id, t.title, t.description, t.completed,
    ${isoTime("t.completed_at")} AS completed_at, ${isoTime("t.due_date")} AS due_date,
    t.priority_id,
    ${priority} AS priority,
    ${tags} AS tags,
    t.recurring_task_id, t.reminder_offsets_minutes, t.version,
    ${isoTime("t.created_at")} AS created_at, ${isoTime("t.updated_at")} AS updated_at
  ) x)`;
}

/** Tags known to the caller (ordered by name, as the task shows them) as taskJson's `tags`. */
export function tagsJson(tags: TagSummary[]): RawBuilder<unknown> {
  return sql`${JSON.stringify(tags.map(({ id, name, color }) => ({ id, name, color })))}::json`;
}

/** Tasks `t` joined with their priority `p`, the row source taskJson reads. */
export function selectTasksWithPriority(db: Executor) {
  return db.selectFrom("tasks as t").innerJoin("priorities as p", "p.id", "t.priority_id");
}

export async function loadTask(db: Executor, userId: string, id: number): Promise<Task | undefined> {
  const row = await selectTasksWithPriority(db)
    .select(taskJson().as("task"))
    .where("t.user_id", "=", userId)
    .where("t.id", "=", id)
    .executeTakeFirst();
  return row?.task;
}
