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
 * The priorities as a row source `p` with `id` and `json`, the priority as the task shows it (the
 * same text as taskJson's default), built once per priority: a statement over many tasks passes
 * `p.json` as taskJson's `priority`. OFFSET 0 keeps the JSON from being rebuilt for each task.
 */
export const prioritiesAsShown = sql`(SELECT pr.id, row_to_json(pr) AS json FROM (SELECT id, name, level, color FROM priorities) pr OFFSET 0)`;

/** A JSON value's text from an expression already JSON (or text holding JSON), `null` for NULL. */
const jsonValue = (expr: RawBuilder<unknown>) => sql`coalesce(${expr}::text, 'null')`;

/**
 * A task's fields as JSON text, in the order the Task shows them. Each is written as
 * row_to_json writes the column (numbers and booleans bare, text escaped by to_json, timestamps
 * as isoTime, arrays by array_to_json), so the object is the text row_to_json made before.
 */
function taskFields(
  tags: RawBuilder<unknown>,
  priority: RawBuilder<unknown>,
): [string, RawBuilder<unknown>][] {
  const time = (column: string) => jsonValue(sql`'"' || ${isoTime(column)} || '"'`);
  return [
    ["id", sql`t.id`],
    ["user_id", sql`'"' || t.user_id || '"'`],
    ["title", sql`to_json(t.title)`],
    ["description", jsonValue(sql`to_json(t.description)`)],
    ["completed", sql`t.completed::text`],
    ["completed_at", time("t.completed_at")],
    ["due_date", time("t.due_date")],
    ["priority_id", sql`t.priority_id`],
    ["priority", priority],
    ["tags", tags],
    ["recurring_task_id", jsonValue(sql`t.recurring_task_id`)],
    ["reminder_offsets_minutes", jsonValue(sql`array_to_json(t.reminder_offsets_minutes)`)],
    ["version", sql`t.version`],
    ["created_at", time("t.created_at")],
    ["updated_at", time("t.updated_at")],
  ];
}

/**
 * The text of a JSON object of `fields` (name, expression of the value's JSON text, never NULL),
 * compact as row_to_json writes it. One concat() over the values: PostgreSQL looks each value's
 * output function up once per statement, where row_to_json looks up every column's type for
 * every row.
 */
function jsonObjectText(fields: [string, RawBuilder<unknown>][]): RawBuilder<string> {
  const parts = fields.flatMap(([name, value], i) => [sql.lit(`${i === 0 ? "{" : ","}"${name}":`), value]);
  return sql<string>`concat(${sql.join([...parts, sql.lit("}")])})`;
}

/**
 * The one SQL expression of a task as the API and the events show it (the contracts' Task: its
 * priority and its tags inside), as compact JSON text, over a row `t` with the tasks table's
 * columns joined with its priority `p`. Get, list and every insert or update RETURNING select it
 * (taskJson; a list aggregates the text), so the shape is written once and built by the database.
 *
 * @param tags the tags' JSON: by default read from task_tags; a statement that inserts the task
 *   cannot see the tag rows it writes, so it passes the tags it wrote (`tagsJson`); a list passes
 *   the tags it read for the whole page at once
 * @param priority the priority's JSON: by default built from `p`'s columns; over
 *   `prioritiesAsShown`, `p.json` (the same text)
 */
export function taskJsonText(
  tags: RawBuilder<unknown> = storedTags,
  priority: RawBuilder<unknown> = priorityOfRow,
): RawBuilder<string> {
  return jsonObjectText(taskFields(tags, priority));
}

/** taskJson's text as a json value (the driver parses it into a Task). */
export function taskJson(
  tags: RawBuilder<unknown> = storedTags,
  priority: RawBuilder<unknown> = priorityOfRow,
): RawBuilder<Task> {
  return sql<Task>`${taskJsonText(tags, priority)}::json`;
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
