import assert from "node:assert/strict";
import { test } from "node:test";
import { ListTasksQuery } from "@todo/contracts";
import { openTestDatabase } from "@todo/db/testing";
import {
  createTag,
  createTask,
  listTasksJson,
  type ServiceContext,
  selectTasksWithPriority,
  taskJson,
} from "@todo/tasks";
import { sql } from "kysely";
import { createUser } from "./fixtures.ts";

// The task as row_to_json writes it, written out here as the reference: taskJson builds the same
// text field by field, and every event and answer carries that text.
const rowToJson = sql<string>`(SELECT row_to_json(x)::text FROM (SELECT
    t.id, t.user_id, t.title, t.description, t.completed,
    to_char(t.completed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS completed_at,
    to_char(t.due_date AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS due_date,
    t.priority_id,
    (SELECT row_to_json(pr) FROM (SELECT p.id, p.name, p.level, p.color) pr) AS priority,
    coalesce((SELECT array_to_json(array_agg(row_to_json(g) ORDER BY g.name))
      FROM (SELECT g.id, g.name, g.color FROM task_tags tt JOIN tags g ON g.id = tt.tag_id WHERE tt.task_id = t.id) g), '[]'::json) AS tags,
    t.recurring_task_id, t.reminder_offsets_minutes, t.version,
    to_char(t.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at,
    to_char(t.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS updated_at
  ) x)`;

test("a task's JSON, alone and in a list, is the text row_to_json writes, byte for byte: quotes, escapes, nulls, arrays, tags", async (t) => {
  const database = await openTestDatabase();
  t.after(() => database.close());
  const userId = await createUser(database);
  const ctx: ServiceContext = { db: database.db, userId };
  const quoted = await createTag(ctx, { name: 'say "hi" \\ there', color: "#10B981" });
  const plain = await createTag(ctx, { name: "Ärger" });
  await createTask(ctx, { title: "plain" });
  await createTask(ctx, {
    title: 'He said "no" \\ then left\ttab ünïcödé 🚀 </script>',
    description: "line one\nline two\r\n\u0001 control",
    priority_id: 4,
    tag_ids: [quoted.id, plain.id],
    due_date: "2027-03-04T05:06:07.089Z",
    reminder_offsets_minutes: [1440, 60, 0],
  });
  await createTask(ctx, {
    title: "no reminders",
    reminder_offsets_minutes: [],
    due_date: "2027-12-31T23:59:59.999+14:00",
  });
  const done = await createTask(ctx, { title: "done", tag_ids: [plain.id] });
  await database.db
    .updateTable("tasks")
    .set({ completed: true, completed_at: new Date("2026-01-02T03:04:05.006Z") })
    .where("id", "=", done.id)
    .execute();

  const rows = await selectTasksWithPriority(database.db)
    .select([sql<string>`${taskJson()}::text`.as("text"), rowToJson.as("reference")])
    .where("t.user_id", "=", userId)
    .orderBy("t.id")
    .execute();
  assert.equal(rows.length, 4);
  for (const row of rows) assert.equal(row.text, row.reference);
  const list = await listTasksJson(ctx, ListTasksQuery.parse({ sort: "created_at", order: "asc" }));
  assert.equal(
    list.slice(0, list.indexOf(',"page":')),
    `{"items":[${rows.map((r) => r.reference).join(",")}]`,
  );
});
