import assert from "node:assert/strict";
import { test } from "node:test";
import { isServerDatabase, openTestDatabase } from "@todo/db/testing";
import { sql } from "kysely";
import { runRecurringTick } from "../src/recurring-tick.ts";
import { createUser, dailyTemplate, instancesOf, quietLog } from "./fixtures.ts";

const DAY = 86_400_000;

test("a due daily template yields exactly one instance with a task.created event, and moves one day on", async (t) => {
  const database = await openTestDatabase();
  t.after(() => database.close());
  const userId = await createUser(database);
  const first = new Date("2027-03-10T07:00:00Z");
  const template = await dailyTemplate(database, userId, first, { priority_id: 3 });

  assert.equal((await runRecurringTick(database.db, quietLog, new Date(first.getTime() - 1000))).created, 0);
  const result = await runRecurringTick(database.db, quietLog, new Date(first.getTime() + 500));
  assert.equal(result.created, 1);
  assert.equal((await runRecurringTick(database.db, quietLog, new Date(first.getTime() + 900))).created, 0);

  const [instance, ...rest] = await instancesOf(database, template.id);
  assert.equal(rest.length, 0);
  assert.equal(instance!.title, "Water the plants");
  assert.equal(instance!.due_date!.toISOString(), first.toISOString());
  const row = await database.db
    .selectFrom("recurring_tasks")
    .selectAll()
    .where("id", "=", template.id)
    .executeTakeFirstOrThrow();
  assert.equal(row.next_occurrence.getTime() - first.getTime(), DAY);
  assert.equal(row.occurrences_created, 1);
  const events = await database.db.selectFrom("outbox").select(["event_type", "payload"]).execute();
  assert.equal(events.length, 1);
  const payload = events[0]!.payload as {
    source: string;
    data: { task: { priority_id: number; recurring_task_id: number } };
  };
  assert.equal(payload.source, "recurring-task-service");
  assert.equal(payload.data.task.priority_id, 3);
  assert.equal(payload.data.task.recurring_task_id, template.id);
});

test("across a DST change the instance keeps its local time", async (t) => {
  const database = await openTestDatabase();
  t.after(() => database.close());
  const userId = await createUser(database);
  // 08:00 in Berlin on the Saturday before the change (UTC+1), then Sunday is UTC+2.
  const first = new Date("2027-03-27T07:00:00Z");
  const template = await dailyTemplate(database, userId, first);
  await runRecurringTick(database.db, quietLog, new Date(first.getTime() + 1000));
  const row = await database.db
    .selectFrom("recurring_tasks")
    .select("next_occurrence")
    .where("id", "=", template.id)
    .executeTakeFirstOrThrow();
  assert.equal(row.next_occurrence.toISOString(), "2027-03-28T06:00:00.000Z");
});

test("after downtime, catch_up latest makes one instance for the latest missed occurrence; all makes each", async (t) => {
  const database = await openTestDatabase();
  t.after(() => database.close());
  const userId = await createUser(database);
  const first = new Date("2027-01-01T07:00:00Z");
  const latest = await dailyTemplate(database, userId, first);
  const all = await dailyTemplate(database, userId, first, { catch_up: "all" });
  const now = new Date(first.getTime() + 4 * DAY + 3_600_000);
  await runRecurringTick(database.db, quietLog, now);
  assert.deepEqual(
    (await instancesOf(database, latest.id)).map((i) => i.occurrence_at!.toISOString()),
    ["2027-01-05T07:00:00.000Z"],
  );
  assert.deepEqual(
    (await instancesOf(database, all.id)).map((i) => i.occurrence_at!.toISOString()),
    ["2027-01-01", "2027-01-02", "2027-01-03", "2027-01-04", "2027-01-05"].map((d) => `${d}T07:00:00.000Z`),
  );
  for (const id of [latest.id, all.id]) {
    const row = await database.db
      .selectFrom("recurring_tasks")
      .select("next_occurrence")
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    assert.equal(row.next_occurrence.toISOString(), "2027-01-06T07:00:00.000Z");
  }
});

test("inactive templates create nothing; a template that reaches its count deactivates itself", async (t) => {
  const database = await openTestDatabase();
  t.after(() => database.close());
  const userId = await createUser(database);
  const first = new Date("2027-01-01T07:00:00Z");
  const paused = await dailyTemplate(database, userId, first, { is_active: false });
  const twice = await dailyTemplate(database, userId, first, { max_occurrences: 2 });
  await runRecurringTick(database.db, quietLog, new Date(first.getTime() + 1000));
  await runRecurringTick(database.db, quietLog, new Date(first.getTime() + DAY + 1000));
  await runRecurringTick(database.db, quietLog, new Date(first.getTime() + 2 * DAY + 1000));
  assert.equal((await instancesOf(database, paused.id)).length, 0);
  assert.equal((await instancesOf(database, twice.id)).length, 2);
  const row = await database.db
    .selectFrom("recurring_tasks")
    .selectAll()
    .where("id", "=", twice.id)
    .executeTakeFirstOrThrow();
  assert.equal(row.is_active, false);
  assert.equal(row.occurrences_created, 2);
});

test("a template the engine cannot follow is skipped without stopping the others", async (t) => {
  const database = await openTestDatabase();
  t.after(() => database.close());
  const userId = await createUser(database);
  const first = new Date("2027-01-01T07:00:00Z");
  const broken = await dailyTemplate(database, userId, first);
  await database.db
    .updateTable("recurring_tasks")
    .set({ recurrence_pattern: "custom", cron_expression: "not a cron" })
    .where("id", "=", broken.id)
    .execute();
  const fine = await dailyTemplate(database, userId, first);
  const result = await runRecurringTick(database.db, quietLog, new Date(first.getTime() + 1000));
  assert.equal(result.failed, 1);
  assert.equal(result.created, 1);
  assert.equal((await instancesOf(database, fine.id)).length, 1);
});

test("two schedulers at once on a real PostgreSQL: every due instance exactly once", {
  skip: isServerDatabase()
    ? false
    : "needs TEST_DATABASE_URL (a PostgreSQL server; PGlite has one connection, so nothing runs concurrently)",
}, async (t) => {
  const database = await openTestDatabase();
  t.after(() => database.close());
  const userId = await createUser(database);
  const first = new Date("2027-01-01T07:00:00Z");
  const templates = [];
  for (let i = 0; i < 60; i++)
    templates.push(
      await dailyTemplate(database, userId, new Date(first.getTime() + i * 1000), {
        catch_up: i % 2 ? "all" : "latest",
      }),
    );
  const now = new Date(first.getTime() + 2 * DAY + 120_000);
  const results = await Promise.all([1, 2, 3].map(() => runRecurringTick(database.db, quietLog, now)));
  const created = results.reduce((sum, r) => sum + r.created, 0);
  // latest: one each (30); all: three each (Jan 1, 2, 3) (90).
  assert.equal(created, 120);
  assert.ok(results.filter((r) => r.templates > 0).length >= 2, "the work was shared between schedulers");
  const rows = await database.db.selectFrom("tasks").select(["recurring_task_id", "occurrence_at"]).execute();
  assert.equal(rows.length, 120);
  assert.equal(
    new Set(rows.map((r) => `${r.recurring_task_id}/${r.occurrence_at!.toISOString()}`)).size,
    120,
  );
  const events = await database.db.selectFrom("outbox").select("event_id").execute();
  assert.equal(events.length, 120);
});

test("a template whose instance the database refuses is skipped; the rest of its batch is created", async (t) => {
  const database = await openTestDatabase();
  t.after(() => database.close());
  await sql`CREATE FUNCTION refuse_boom() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.title = 'boom' THEN RAISE EXCEPTION 'refused'; END IF;
      RETURN NEW;
    END $$`.execute(database.db);
  await sql`CREATE TRIGGER refuse_boom BEFORE INSERT ON tasks FOR EACH ROW EXECUTE FUNCTION refuse_boom()`.execute(
    database.db,
  );
  const userId = await createUser(database);
  const first = new Date("2027-01-01T07:00:00Z");
  const templates = [];
  for (let i = 0; i < 5; i++)
    templates.push(await dailyTemplate(database, userId, first, i === 2 ? { template_title: "boom" } : {}));
  const result = await runRecurringTick(database.db, quietLog, new Date(first.getTime() + 1000));
  assert.equal(result.failed, 1);
  assert.equal(result.created, 4);
  for (const [i, template] of templates.entries()) {
    assert.equal((await instancesOf(database, template.id)).length, i === 2 ? 0 : 1);
    const row = await database.db
      .selectFrom("recurring_tasks")
      .select(["next_occurrence", "occurrences_created"])
      .where("id", "=", template.id)
      .executeTakeFirstOrThrow();
    assert.equal(row.next_occurrence.getTime(), i === 2 ? first.getTime() : first.getTime() + DAY);
    assert.equal(row.occurrences_created, i === 2 ? 0 : 1);
  }
  assert.equal((await database.db.selectFrom("outbox").select("id").execute()).length, 4);
});

test("more templates than a batch, mixed catch_up: each instance once, its event in occurrence order", async (t) => {
  const database = await openTestDatabase();
  t.after(() => database.close());
  const userId = await createUser(database);
  const first = new Date("2027-01-01T07:00:00Z");
  const templates = [];
  for (let i = 0; i < 40; i++)
    templates.push(await dailyTemplate(database, userId, first, { catch_up: i % 2 ? "all" : "latest" }));
  const result = await runRecurringTick(database.db, quietLog, new Date(first.getTime() + 2 * DAY + 1000));
  // latest: one each (20); all: three each, Jan 1, 2, 3 (60).
  assert.equal(result.templates, 40);
  assert.equal(result.created, 80);
  const events = await database.db.selectFrom("outbox").select(["id", "payload"]).orderBy("id").execute();
  assert.equal(events.length, 80);
  const seen = new Map<number, string[]>();
  for (const e of events) {
    const task = (e.payload as { data: { task: { recurring_task_id: number; due_date: string } } }).data.task;
    seen.set(task.recurring_task_id, [...(seen.get(task.recurring_task_id) ?? []), task.due_date]);
  }
  for (const [i, template] of templates.entries()) {
    const dues = seen.get(template.id)!;
    assert.deepEqual(
      dues,
      i % 2
        ? ["2027-01-01", "2027-01-02", "2027-01-03"].map((d) => `${d}T07:00:00.000Z`)
        : ["2027-01-03T07:00:00.000Z"],
    );
  }
});

test("an instance that exists already is not created again, and no event is written for it", async (t) => {
  const database = await openTestDatabase();
  t.after(() => database.close());
  const userId = await createUser(database);
  const first = new Date("2027-01-01T07:00:00Z");
  const template = await dailyTemplate(database, userId, first);
  assert.equal((await runRecurringTick(database.db, quietLog, new Date(first.getTime() + 1000))).created, 1);
  // As if a tick had created the instance and then lost the advance of its schedule.
  await database.db
    .updateTable("recurring_tasks")
    .set({ next_occurrence: first })
    .where("id", "=", template.id)
    .execute();
  const again = await runRecurringTick(database.db, quietLog, new Date(first.getTime() + 2000));
  assert.equal(again.created, 0);
  assert.equal((await instancesOf(database, template.id)).length, 1);
  assert.equal((await database.db.selectFrom("outbox").select("id").execute()).length, 1);
  const row = await database.db
    .selectFrom("recurring_tasks")
    .select(["next_occurrence", "occurrences_created", "is_active"])
    .where("id", "=", template.id)
    .executeTakeFirstOrThrow();
  assert.equal(row.next_occurrence.getTime(), first.getTime() + DAY);
  assert.equal(row.occurrences_created, 1);
  assert.equal(row.is_active, true);
});
