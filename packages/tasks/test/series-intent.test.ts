import assert from "node:assert/strict";
import { type TestContext, test } from "node:test";
import { openTestDatabase } from "@todo/db/testing";
import { nextAfterCompletion } from "@todo/recurrence";
import {
  createRecurringTask,
  createTask,
  followCompletedInstance,
  getRecurringTask,
  ruleOf,
  updateRecurringTask,
  updateTask,
} from "@todo/tasks";
import { MAX_BATCH_ROWS, MAX_CATCH_UP, runRecurringTick } from "../src/recurring-tick.ts";
import { runReminderTick } from "../src/reminder-tick.ts";
import { createUser, instancesOf, minutelyTemplatesBehind, quietLog } from "./fixtures.ts";

const MINUTE = 60_000;
const DAY = 1440 * MINUTE;
const at = (date: Date, ms: number) => new Date(date.getTime() + ms);

async function setup(t: TestContext) {
  const database = await openTestDatabase();
  t.after(() => database.close());
  const userId = await createUser(database);
  return { database, ctx: { db: database.db, userId } };
}

/** The web form's old habit: every field of the template sent back, one of them changed. */
function everyField(template: Awaited<ReturnType<typeof getRecurringTask>>) {
  const {
    id: _i,
    user_id: _u,
    anchor_at: _a,
    occurrences_created: _o,
    created_at: _c,
    updated_at: _d,
    ...fields
  } = template;
  return fields;
}

test("a clamped 31st series renamed after two instances stays on the last day of each month", async (t) => {
  const { database, ctx } = await setup(t);
  const first = new Date("2027-01-31T09:00:00Z");
  const template = await createRecurringTask(
    ctx,
    { template_title: "Rent", recurrence_pattern: "monthly", next_occurrence: first.toISOString() },
    at(first, -MINUTE),
  );
  await runRecurringTick(database.db, quietLog, at(first, 1000));
  await runRecurringTick(database.db, quietLog, new Date("2027-02-28T09:00:01Z"));
  const current = await getRecurringTask(ctx, template.id);
  assert.equal(current.next_occurrence, "2027-03-31T09:00:00.000Z");
  await updateRecurringTask(ctx, template.id, { ...everyField(current), template_title: "Pay rent" });
  await runRecurringTick(database.db, quietLog, new Date("2027-03-31T09:00:01Z"));
  await runRecurringTick(database.db, quietLog, new Date("2027-04-30T09:00:01Z"));
  assert.deepEqual(
    (await instancesOf(database, template.id)).map((i) => [i.title, i.due_date?.toISOString()]),
    [
      ["Rent", "2027-01-31T09:00:00.000Z"],
      ["Rent", "2027-02-28T09:00:00.000Z"],
      ["Pay rent", "2027-03-31T09:00:00.000Z"],
      ["Pay rent", "2027-04-30T09:00:00.000Z"],
    ],
  );
});

test("an 'end after 5' series edited after 3 instances makes 5 in all, whether the edit is a rename or a new time", async (t) => {
  const { database, ctx } = await setup(t);
  const first = new Date("2027-03-01T07:00:00Z");
  const make = () =>
    createRecurringTask(
      ctx,
      {
        template_title: "Run",
        recurrence_pattern: "daily",
        next_occurrence: first.toISOString(),
        max_occurrences: 5,
        catch_up: "all",
      },
      at(first, -MINUTE),
    );
  const renamed = await make();
  const retimed = await make();
  await runRecurringTick(database.db, quietLog, at(first, 2 * DAY + 1000));
  await updateRecurringTask(ctx, renamed.id, {
    ...everyField(await getRecurringTask(ctx, renamed.id)),
    template_title: "Jog",
  });
  // Two hours later from the 4th on: a new anchor, and the 3 made already still count.
  await updateRecurringTask(ctx, retimed.id, { next_occurrence: "2027-03-04T09:00:00Z" });
  await runRecurringTick(database.db, quietLog, at(first, 20 * DAY));
  const dues = async (id: number) =>
    (await instancesOf(database, id)).map((i) => i.due_date?.toISOString().slice(5, 16));
  assert.deepEqual(await dues(renamed.id), [
    "03-01T07:00",
    "03-02T07:00",
    "03-03T07:00",
    "03-04T07:00",
    "03-05T07:00",
  ]);
  assert.deepEqual(await dues(retimed.id), [
    "03-01T07:00",
    "03-02T07:00",
    "03-03T07:00",
    "03-04T09:00",
    "03-05T09:00",
  ]);
  for (const id of [renamed.id, retimed.id]) {
    const done = await getRecurringTask(ctx, id);
    assert.equal(done.occurrences_created, 5);
    assert.equal(done.is_active, false, "the series has ended");
  }
});

test("repeat from completion: the next instance once, under double complete, replay and reopen-then-complete", async (t) => {
  const { database, ctx } = await setup(t);
  const now = new Date();
  const template = await createRecurringTask(
    ctx,
    {
      template_title: "Water the ferns",
      recurrence_pattern: "daily",
      interval: 3,
      timezone: "Pacific/Auckland",
      next_occurrence: at(now, -MINUTE).toISOString(),
      repeat_from: "completion",
    },
    at(now, -2 * MINUTE),
  );
  await runRecurringTick(database.db, quietLog, now);
  await runRecurringTick(database.db, quietLog, at(now, 10 * DAY));
  const [firstInstance] = await instancesOf(database, template.id);
  assert.equal((await instancesOf(database, template.id)).length, 1, "the schedule makes only the first");

  const completed = await updateTask(ctx, firstInstance!.id, { completed: true });
  await updateTask(ctx, firstInstance!.id, { completed: true });
  const row = await database.db
    .selectFrom("tasks")
    .selectAll()
    .where("id", "=", firstInstance!.id)
    .executeTakeFirstOrThrow();
  assert.equal(
    await followCompletedInstance(database.db as never, row, new Date()),
    null,
    "a replay makes nothing",
  );
  await updateTask(ctx, firstInstance!.id, { completed: false });
  await updateTask(ctx, firstInstance!.id, { completed: true });
  const instances = await instancesOf(database, template.id);
  assert.equal(instances.length, 2);
  const expected = nextAfterCompletion(
    ruleOf(
      await database.db
        .selectFrom("recurring_tasks")
        .selectAll()
        .where("id", "=", template.id)
        .executeTakeFirstOrThrow(),
    ),
    new Date(completed.completed_at!),
  );
  assert.equal(instances[1]!.due_date?.toISOString(), expected?.toISOString());
  assert.ok(
    instances[1]!.due_date!.getTime() > at(now, 2 * DAY).getTime(),
    "three days on, at the series' time of day",
  );
  assert.equal((await getRecurringTask(ctx, template.id)).occurrences_created, 2);
});

test("instances inherit the template's reminders and are created their lead time ahead, so the reminders fire", async (t) => {
  const { database, ctx } = await setup(t);
  const due = new Date("2027-05-10T09:00:00Z");
  const template = await createRecurringTask(
    ctx,
    {
      template_title: "Standup",
      recurrence_pattern: "daily",
      next_occurrence: due.toISOString(),
      reminder_offsets_minutes: [0, 60],
      lead_time_minutes: 1440,
    },
    at(due, -2 * DAY),
  );
  assert.equal((await runRecurringTick(database.db, quietLog, at(due, -DAY - MINUTE))).created, 0);
  assert.equal((await runRecurringTick(database.db, quietLog, at(due, -DAY + 1000))).created, 1);
  const [instance] = await database.db
    .selectFrom("tasks")
    .selectAll()
    .where("recurring_task_id", "=", template.id)
    .execute();
  assert.equal(instance!.due_date?.toISOString(), due.toISOString());
  assert.deepEqual(instance!.reminder_offsets_minutes, [0, 60]);
  assert.equal(await runReminderTick(database.db, at(due, -2 * 60 * MINUTE)), 0);
  assert.equal(await runReminderTick(database.db, at(due, -60 * MINUTE)), 1);
  assert.equal(await runReminderTick(database.db, due), 1, "the one at due time");
  assert.equal(await runReminderTick(database.db, at(due, MINUTE)), 0);
  const offsets = await database.db
    .selectFrom("outbox")
    .select("payload")
    .where("event_type", "=", "task.due.approaching")
    .orderBy("id")
    .execute();
  assert.deepEqual(
    offsets.map((o) => (o.payload as { data: { offset_minutes: number } }).data.offset_minutes),
    [60, 0],
  );
});

test("an offset-0 reminder fires; a late tick still fires it once within the window, not after", async (t) => {
  const { database, ctx } = await setup(t);
  const due = new Date(Math.ceil((Date.now() + 2 * DAY) / MINUTE) * MINUTE);
  const onTime = await createTask(ctx, {
    title: "On time",
    due_date: due.toISOString(),
    reminder_offsets_minutes: [0],
  });
  assert.equal(await runReminderTick(database.db, at(due, -MINUTE)), 0);
  assert.equal(await runReminderTick(database.db, at(due, 30 * MINUTE)), 1, "a tick 30 min late");
  assert.equal(await runReminderTick(database.db, at(due, 31 * MINUTE)), 0, "once");
  await createTask(ctx, { title: "Too late", due_date: due.toISOString(), reminder_offsets_minutes: [0] });
  assert.equal(await runReminderTick(database.db, at(due, 61 * MINUTE)), 0, "past the 60-minute window");
  const [sent] = await database.db.selectFrom("task_reminders").selectAll().execute();
  assert.equal(sent?.task_id, onTime.id);
});

test("five minutely templates 200 minutes behind: each tick stops at its budget, the rest follows, each instance once", async (t) => {
  const { database, ctx } = await setup(t);
  const now = new Date("2027-06-01T12:00:00Z");
  const ids = await minutelyTemplatesBehind(database, ctx.userId, now, 200);
  const first = await runRecurringTick(database.db, quietLog, now, 1, {
    maxInstances: 1,
    maxMs: Number.POSITIVE_INFINITY,
  });
  // One short batch: templates of MAX_CATCH_UP each until MAX_BATCH_ROWS is reached, then the budget stops the tick.
  assert.equal(first.created, Math.ceil(MAX_BATCH_ROWS / MAX_CATCH_UP) * MAX_CATCH_UP);
  assert.equal(first.exhausted, true);
  let ticks = 1;
  for (;;) {
    const tick = await runRecurringTick(database.db, quietLog, now, 1, {
      maxInstances: 50,
      maxMs: Number.POSITIVE_INFINITY,
    });
    ticks += 1;
    if (tick.created === 0) break;
  }
  assert.ok(ticks > 2, "more than one tick to catch up");
  for (const id of ids) {
    const instances = await instancesOf(database, id);
    assert.equal(instances.length, 201, "every minute from 200 minutes ago to now, once");
    assert.equal(new Set(instances.map((i) => i.occurrence_at?.getTime())).size, 201);
  }
  const reminded = await database.db
    .selectFrom("tasks")
    .select("occurrence_at")
    .where("next_reminder_at", "is not", null)
    .execute();
  assert.deepEqual(
    reminded.map((r) => r.occurrence_at?.toISOString()),
    Array(5).fill(now.toISOString()),
    "only the latest missed occurrence of each is reminded: the 200 it replaced would be noise",
  );
});

test("a series switched to repeat from completion, or resumed, goes on from a completion made meanwhile", async (t) => {
  const { database, ctx } = await setup(t);
  const now = new Date();
  const template = await createRecurringTask(
    ctx,
    {
      template_title: "Stretch",
      recurrence_pattern: "daily",
      next_occurrence: at(now, -MINUTE).toISOString(),
    },
    at(now, -2 * MINUTE),
  );
  await runRecurringTick(database.db, quietLog, now);
  const [first] = await instancesOf(database, template.id);
  await updateRecurringTask(ctx, template.id, { is_active: false });
  await updateTask(ctx, first!.id, { completed: true });
  await updateRecurringTask(ctx, template.id, { repeat_from: "completion" });
  assert.equal((await instancesOf(database, template.id)).length, 1, "paused: nothing yet");
  await updateRecurringTask(ctx, template.id, { is_active: true });
  const instances = await instancesOf(database, template.id);
  assert.equal(instances.length, 2, "resumed: the next one, from now");
  assert.ok(instances[1]!.due_date!.getTime() > now.getTime());
});
