// Every event carries `sequence`, numbered within its task by the transaction that writes it:
// it rises across a task's whole life, and concurrent writers of one task take numbers in the
// order they commit. (On PostgreSQL the concurrent updates really overlap:
// scripts/with-postgres.sh node scripts/run-tests.mjs packages/tasks)
import assert from "node:assert/strict";
import { test } from "node:test";
import type { DomainEvent } from "@todo/contracts";
import type { DatabaseHandle } from "@todo/db";
import { openTestDatabase } from "@todo/db/testing";
import { recordEvent } from "@todo/events";
import { createTask, deleteTask, setTaskCompletion, updateTask } from "../src/index.ts";

async function setup(t: import("node:test").TestContext) {
  const database = await openTestDatabase();
  t.after(() => database.close());
  const user = await database.db
    .insertInto("users")
    .values({ name: "Ada", email: `ada-${crypto.randomUUID()}@example.com` })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { database, ctx: { db: database.db, userId: user.id } };
}

async function eventsOf(database: DatabaseHandle, taskId: number): Promise<DomainEvent[]> {
  const rows = await database.db.selectFrom("outbox").select("payload").orderBy("id").execute();
  return rows.map((r) => r.payload as DomainEvent).filter((e) => e.task_id === taskId);
}

test("the sequence rises across create → update → complete → reopen → delete", async (t) => {
  const { database, ctx } = await setup(t);
  const task = await createTask(ctx, { title: "Write the report" });
  const other = await createTask(ctx, { title: "Another task, another count" });
  await updateTask(ctx, task.id, { title: "Write the annual report" });
  await setTaskCompletion(ctx, task.id, true);
  await setTaskCompletion(ctx, task.id, false);
  // One change that completes and edits: two events from one transaction, in order.
  await updateTask(ctx, task.id, { completed: true, title: "Report written" });
  await deleteTask(ctx, task.id);
  const events = await eventsOf(database, task.id);
  assert.deepEqual(
    events.map((e) => [e.event_type, e.sequence]),
    [
      ["task.created", 1],
      ["task.updated", 2],
      ["task.completed", 3],
      ["task.updated", 4],
      ["task.completed", 5],
      ["task.updated", 6],
      ["task.deleted", 7],
    ],
  );
  assert.deepEqual(
    (await eventsOf(database, other.id)).map((e) => e.sequence),
    [1],
    "each task counts its own events",
  );
  // Events without a task are numbered per user.
  const sent = await recordEvent(ctx.db, {
    event_type: "notification.send",
    task_id: null,
    user_id: ctx.userId,
    data: { title: "Hello", body: "" },
  });
  const again = await recordEvent(ctx.db, {
    event_type: "user.deleted",
    task_id: null,
    user_id: ctx.userId,
    data: {},
  });
  assert.deepEqual([sent.sequence, again.sequence], [1, 2]);
});

test("concurrent updates of one task take sequence numbers in commit order", async (t) => {
  const { database, ctx } = await setup(t);
  const task = await createTask(ctx, { title: "Contended" });
  const writers = 12;
  await Promise.all(
    Array.from({ length: writers }, (_, i) => updateTask(ctx, task.id, { description: `writer ${i}` })),
  );
  const updates = (await eventsOf(database, task.id)).filter((e) => e.event_type === "task.updated");
  assert.equal(updates.length, writers);
  const sequences = updates.map((e) => e.sequence!);
  assert.deepEqual(
    [...sequences].sort((a, b) => a - b),
    Array.from({ length: writers }, (_, i) => i + 2),
    "no number given twice or skipped",
  );
  // Commit order shows in the task's version: the event with the higher sequence saw the later one.
  const byVersion = [...updates].sort(
    (a, b) =>
      (a.data as { task: { version: number } }).task.version -
      (b.data as { task: { version: number } }).task.version,
  );
  assert.deepEqual(
    byVersion.map((e) => e.sequence),
    [...sequences].sort((a, b) => a - b),
  );
  // The last writer's state is the one with the highest number: a receiver that keeps it is right.
  const current = await database.db
    .selectFrom("tasks")
    .select("description")
    .where("id", "=", task.id)
    .executeTakeFirstOrThrow();
  assert.equal(
    (byVersion.at(-1)!.data as { task: { description: string } }).task.description,
    current.description,
  );
});

// Found by the fault soak (npm run soak): a PUT of the tag list a task already had raised its
// version with no event, so a consumer counting versions saw a change that never came.
test("an update that changes nothing writes nothing: same version, no event", async (t) => {
  const { database, ctx } = await setup(t);
  const tag = await database.db
    .insertInto("tags")
    .values({ user_id: ctx.userId, name: "home", name_key: "home" })
    .returning("id")
    .executeTakeFirstOrThrow();
  const due = "2030-01-01T10:00:00.000Z";
  const task = await createTask(ctx, { title: "Same", tag_ids: [tag.id], due_date: due });
  const again = await updateTask(ctx, task.id, {
    title: "Same",
    tag_ids: [tag.id],
    due_date: "2030-01-01T11:00:00+01:00",
    description: null,
    completed: false,
  });
  assert.equal(again.version, task.version);
  assert.equal(again.updated_at, task.updated_at);
  const changed = await updateTask(ctx, task.id, { tag_ids: [] });
  assert.equal(changed.version, task.version + 1);
  assert.deepEqual(
    (await eventsOf(database, task.id)).map((e) => e.event_type),
    ["task.created", "task.updated"],
  );
});
