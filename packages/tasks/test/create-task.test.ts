// A create writes its task, tag links, sequence number and outbox row in one statement, the event
// payload built by the database (taskEventSql). It must be the payload recordEvent builds for the
// same event, field for field; and a create that fails writes nothing at all.
import assert from "node:assert/strict";
import { test } from "node:test";
import { DomainEvent, ServiceError } from "@todo/contracts";
import type { DatabaseHandle } from "@todo/db";
import { openTestDatabase } from "@todo/db/testing";
import { recordEvent } from "@todo/events";
import { createTag, createTask } from "../src/index.ts";
import { createUser } from "./fixtures.ts";

async function setup(t: import("node:test").TestContext) {
  const database = await openTestDatabase();
  t.after(() => database.close());
  return { database, userId: await createUser(database) };
}

async function outboxRows(database: DatabaseHandle) {
  return database.db
    .selectFrom("outbox")
    .select(["event_id", "topic", "event_type", "partition_key", "payload"])
    .orderBy("id")
    .execute();
}

const ISO_MS_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

for (const source of [undefined, "api"] as const) {
  test(`task.created as the database writes it is recordEvent's payload (source ${source ?? "default"})`, async (t) => {
    const { database, userId } = await setup(t);
    const ctx = { db: database.db, userId, ...(source ? { source } : {}) };
    const home = await createTag(ctx, { name: "home" });
    const errands = await createTag(ctx, { name: "Errands" });
    const task = await createTask(ctx, {
      title: "Buy milk",
      description: "two litres",
      priority_id: 3,
      tag_ids: [home.id, errands.id],
      due_date: "2030-01-02T03:04:05.678Z",
      reminder_offsets_minutes: [60],
    });
    const [written] = await outboxRows(database);
    assert.ok(written);
    // The same event written by recordEvent, the rule every other verb follows.
    const recorded = await recordEvent(database.db, {
      event_type: "task.created",
      task_id: task.id,
      user_id: userId,
      data: { task },
      ...(source ? { source } : {}),
    });
    const [, other] = await outboxRows(database);
    const payload = written.payload as DomainEvent;

    assert.deepEqual(Object.keys(payload).sort(), Object.keys(recorded).sort());
    assert.deepEqual(
      { ...payload, event_id: "", timestamp: "", sequence: 0 },
      { ...recorded, event_id: "", timestamp: "", sequence: 0 },
      "every field but the id, the time and the number is recordEvent's",
    );
    assert.deepEqual(payload.data, { task }, "the task as the API answered it, tags by name");
    assert.deepEqual(
      task.tags.map((g) => g.name),
      ["Errands", "home"],
    );
    assert.equal(payload.event_id, written.event_id, "the payload's event_id is the row's");
    assert.match(payload.event_id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.match(payload.timestamp, ISO_MS_UTC);
    assert.equal(payload.timestamp, task.created_at, "the event happened when the task was created");
    assert.equal(payload.source, source ?? "backend");
    assert.equal(payload.sequence, 1, "a new task's first event");
    assert.equal(recorded.sequence, 2, "the next event of the task counts on from it");
    assert.deepEqual(
      { topic: written.topic, event_type: written.event_type, partition_key: written.partition_key },
      { topic: other!.topic, event_type: other!.event_type, partition_key: other!.partition_key },
    );
    assert.deepEqual(DomainEvent.parse(payload), payload, "the contract reads it");
  });
}

test("a create with an unknown tag or priority writes nothing and names the field", async (t) => {
  const { database, userId } = await setup(t);
  const ctx = { db: database.db, userId };
  const otherUser = await createUser(database);
  const theirs = await createTag({ db: database.db, userId: otherUser }, { name: "theirs" });
  const mine = await createTag(ctx, { name: "mine" });
  const before = await outboxRows(database);
  const cases = [
    { body: { title: "x", tag_ids: [mine.id, 987_654] }, field: "tag_ids", message: /987654/ },
    { body: { title: "x", tag_ids: [theirs.id] }, field: "tag_ids", message: new RegExp(`${theirs.id}`) },
    { body: { title: "x", priority_id: 999 }, field: "priority_id", message: /999/ },
  ];
  for (const { body, field, message } of cases) {
    await assert.rejects(createTask(ctx, body), (error: unknown) => {
      assert.ok(error instanceof ServiceError);
      assert.equal(error.status, 400);
      assert.equal(error.code, "invalid_reference");
      assert.deepEqual(
        error.errors?.map((e) => e.field),
        [field],
      );
      assert.match(error.errors[0]!.message, message);
      return true;
    });
  }
  const count = async (table: "tasks" | "task_tags" | "event_sequences") =>
    (
      await database.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow()
    ).n;
  assert.equal(Number(await count("tasks")), 0);
  assert.equal(Number(await count("task_tags")), 0);
  assert.equal(Number(await count("event_sequences")), 0);
  assert.deepEqual(await outboxRows(database), before);
});
