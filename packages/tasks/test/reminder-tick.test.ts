import assert from "node:assert/strict";
import { test } from "node:test";
import { openTestDatabase } from "@todo/db/testing";
import { createTask, deleteTask, setTaskCompletion, updateTask } from "@todo/tasks";
import { runReminderTick } from "../src/reminder-tick.ts";
import { createUser } from "./fixtures.ts";

const HOUR = 3_600_000;

async function setup(t: import("node:test").TestContext) {
  const database = await openTestDatabase();
  t.after(() => database.close());
  const userId = await createUser(database);
  const ctx = { db: database.db, userId };
  const reminders = async () =>
    (
      await database.db
        .selectFrom("outbox")
        .select("payload")
        .where("event_type", "=", "task.due.approaching")
        .execute()
    ).map((r) => r.payload as { task_id: number; data: { offset_minutes: number; due_date: string } });
  return { database, ctx, reminders };
}

test("a task due in 2 hours gets one task.due.approaching at once, and only one", async (t) => {
  const { database, ctx, reminders } = await setup(t);
  const task = await createTask(ctx, {
    title: "Call back",
    due_date: new Date(Date.now() + 2 * HOUR).toISOString(),
  });
  assert.equal(await runReminderTick(database.db), 1);
  assert.equal(await runReminderTick(database.db), 0);
  assert.equal(await runReminderTick(database.db, new Date(Date.now() + HOUR)), 0);
  const sent = await reminders();
  assert.equal(sent.length, 1);
  assert.equal(sent[0]!.task_id, task.id);
  assert.equal(sent[0]!.data.offset_minutes, 1440);
});

test("a task due in 3 days is reminded 24 hours before, not earlier; own offsets each fire once", async (t) => {
  const { database, ctx, reminders } = await setup(t);
  const due = new Date(Date.now() + 72 * HOUR);
  await createTask(ctx, {
    title: "Report",
    due_date: due.toISOString(),
    reminder_offsets_minutes: [1440, 60],
  });
  assert.equal(await runReminderTick(database.db), 0);
  assert.equal(await runReminderTick(database.db, new Date(due.getTime() - 25 * HOUR)), 0);
  assert.equal(await runReminderTick(database.db, new Date(due.getTime() - 24 * HOUR)), 1);
  assert.equal(await runReminderTick(database.db, new Date(due.getTime() - 2 * HOUR)), 0);
  assert.equal(await runReminderTick(database.db, new Date(due.getTime() - 59 * 60_000)), 1);
  assert.equal(await runReminderTick(database.db, new Date(due.getTime() - 1000)), 0);
  assert.deepEqual(
    (await reminders()).map((r) => r.data.offset_minutes),
    [1440, 60],
  );
});

test("never for a completed or deleted task; a new due date re-arms", async (t) => {
  const { database, ctx, reminders } = await setup(t);
  const soon = () => new Date(Date.now() + 2 * HOUR).toISOString();
  const done = await createTask(ctx, { title: "done", due_date: soon() });
  await setTaskCompletion(ctx, done.id);
  const gone = await createTask(ctx, { title: "gone", due_date: soon() });
  await deleteTask(ctx, gone.id);
  const moved = await createTask(ctx, { title: "moved", due_date: soon() });
  assert.equal(await runReminderTick(database.db), 1);
  await updateTask(ctx, moved.id, { due_date: new Date(Date.now() + 3 * HOUR).toISOString() });
  assert.equal(await runReminderTick(database.db), 1, "the new due date is reminded again");
  await updateTask(ctx, moved.id, { title: "renamed" });
  assert.equal(await runReminderTick(database.db), 0, "other changes do not re-arm");
  const sent = await reminders();
  assert.deepEqual(
    sent.map((r) => r.task_id),
    [moved.id, moved.id],
  );
});
