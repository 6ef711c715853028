import assert from "node:assert/strict";
import { type TestContext, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { openTestDatabase } from "@todo/db/testing";
import { createRegistry } from "@todo/server";
import type { TickBudget } from "../src/recurring-tick.ts";
import { createScheduler } from "../src/scheduler.ts";
import { createUser, dailyTemplate, instancesOf, minutelyTemplatesBehind, quietLog } from "./fixtures.ts";

async function waitFor(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return true;
    await sleep(20);
  }
  return check();
}

/** A test database and a scheduler on it with wakeAtNextDue (and, if asked, the database's time slices and a budget). */
async function wakingScheduler(t: TestContext, options: { slices?: "database"; budget?: TickBudget } = {}) {
  // Time slices are PGlite's: that test runs on PGlite in every tier.
  const database = await openTestDatabase(options.slices ? { pglite: true } : {});
  t.after(() => database.close());
  const scheduler = createScheduler({
    registry: createRegistry("test"),
    db: database.db,
    log: quietLog,
    wakeAtNextDue: true,
    ...(options.slices ? { slices: database.slices } : {}),
    ...(options.budget ? { budget: options.budget } : {}),
  });
  t.after(() => scheduler.stop());
  return { database, scheduler };
}

test("after a tick, the scheduler wakes itself at the next due occurrence, without another tick", async (t) => {
  const { database, scheduler } = await wakingScheduler(t);
  const userId = await createUser(database);
  const due = new Date(Date.now() + 2_000);
  const template = await dailyTemplate(database, userId, due);

  assert.equal((await scheduler.tick()).created, 0, "not due yet");
  assert.ok(
    await waitFor(async () => (await instancesOf(database, template.id)).length === 1, 30_000),
    "the instance was created by the wake timer",
  );
  const instance = await database.db
    .selectFrom("tasks")
    .select("created_at")
    .where("recurring_task_id", "=", template.id)
    .executeTakeFirstOrThrow();
  assert.ok(instance.created_at.getTime() >= due.getTime(), "not before its time");
  // The next one is a day away: the timer waits at most a minute before it looks again.
  await sleep(200);
  assert.equal((await instancesOf(database, template.id)).length, 1);
});

test("a template that fails at its wake-up is not retried in a loop; stop() clears the timer", async (t) => {
  const database = await openTestDatabase();
  t.after(() => database.close());
  const registry = createRegistry("recurring-task-service");
  const scheduler = createScheduler({ db: database.db, log: quietLog, registry, wakeAtNextDue: true });
  t.after(() => scheduler.stop());
  const userId = await createUser(database);
  const broken = await dailyTemplate(database, userId, new Date(Date.now() + 300));
  await database.db
    .updateTable("recurring_tasks")
    .set({ recurrence_pattern: "custom", cron_expression: "not a cron" })
    .where("id", "=", broken.id)
    .execute();
  await scheduler.tick();
  const failures = async () =>
    /recurring_template_failures_total\{[^}]*\} (\d+)/.exec(await registry.metrics())?.[1];
  assert.ok(await waitFor(async () => (await failures()) === "1", 30_000), "it failed once, at its due time");
  await sleep(600);
  assert.equal(await failures(), "1", "one wake-up at its due time, then it is left to the cron ticks");

  const laterDue = Date.now() + 1_000;
  const later = await dailyTemplate(database, userId, new Date(laterDue));
  // On a slow machine the tick itself may already find it due; only what came after counts.
  const { created } = await scheduler.tick();
  await scheduler.stop();
  await sleep(Math.max(0, laterDue - Date.now()) + 300);
  assert.equal((await instancesOf(database, later.id)).length, created, "no tick after stop()");
});

test("without wakeAtNextDue only the ticks it is given run", async (t) => {
  const database = await openTestDatabase();
  t.after(() => database.close());
  const scheduler = createScheduler({ registry: createRegistry("test"), db: database.db, log: quietLog });
  t.after(() => scheduler.stop());
  const userId = await createUser(database);
  const template = await dailyTemplate(database, userId, new Date(Date.now() + 200));
  const { created } = await scheduler.tick();
  await sleep(500);
  assert.equal((await instancesOf(database, template.id)).length, created, "only what the tick made");
});

// Both modes: on PGlite with its time slices, and on whichever database the tier runs (a
// PostgreSQL server in the server tier, where the recurring-task service's catch-up of 1000 due
// templates waited a cron interval per budget before this).
for (const slices of ["database", undefined] as const)
  test(`a tick that stops at its budget is followed by the next at once, not after the interval (${slices ? "PGlite time slices" : "no time slices"}): a 305-instance catch-up ends from one tick`, async (t) => {
    const { database, scheduler } = await wakingScheduler(t, {
      ...(slices ? { slices } : {}),
      budget: { maxInstances: 50, maxMs: Number.POSITIVE_INFINITY },
    });
    const userId = await createUser(database);
    // From a minute boundary: 61 occurrences each are due now, whatever the second.
    await minutelyTemplatesBehind(database, userId, new Date(Math.floor(Date.now() / 60_000) * 60_000), 60);
    const first = await scheduler.tick();
    // The budget is looked at between batches: the tick ends at the first batch past it.
    assert.ok(first.created < 5 * 61, `the first tick stops at its budget: ${first.created} made`);
    const count = async () =>
      Number(
        (
          await database.db
            .selectFrom("tasks")
            .select((eb) => eb.fn.countAll<number>().as("n"))
            .executeTakeFirstOrThrow()
        ).n,
      );
    // No timer, no further tick() call: only the ticks that follow at once can get there (the wake
    // timer alone would wait for the next minute's occurrence each time).
    assert.ok(await waitFor(async () => (await count()) >= 5 * 61, 100_000), `${await count()} of 305`);
    await scheduler.stop();
  });

test("while a burst of instances is still due, reminders get one batch a tick and the instances go on at once; then every reminder goes out, once", async (t) => {
  const { database, scheduler } = await wakingScheduler(t, {
    budget: { maxInstances: 50, maxMs: Number.POSITIVE_INFINITY },
  });
  // 150 daily templates (three users, 50 each) due now whose instances remind at their due time.
  const due = new Date(Math.floor(Date.now() / 1000) * 1000 - 1000);
  for (let u = 0; u < 3; u++) {
    const userId = await createUser(database);
    for (let i = 0; i < 50; i++)
      await dailyTemplate(database, userId, due, { reminder_offsets_minutes: [0] });
  }
  const first = await scheduler.tick();
  assert.ok(
    first.created >= 50 && first.created < 150,
    `the first tick stops at its budget: ${first.created}`,
  );
  // One reminder batch (25 tasks), not the reminders of every instance the tick made.
  assert.ok(
    first.reminders <= 25,
    `reminders in the first tick: ${first.reminders} (of ${first.created} made)`,
  );
  const count = async (table: "tasks" | "task_reminders") =>
    Number(
      (
        await database.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
  assert.ok(
    await waitFor(async () => (await count("tasks")) === 150, 100_000),
    `${await count("tasks")} of 150 instances`,
  );
  assert.ok(
    await waitFor(async () => (await count("task_reminders")) === 150, 100_000),
    `${await count("task_reminders")} of 150 reminders`,
  );
  const events = await database.db
    .selectFrom("outbox")
    .select(["event_type", "payload"])
    .where("event_type", "=", "task.due.approaching")
    .execute();
  assert.equal(events.length, 150, "one task.due.approaching per instance");
  await scheduler.stop();
});
