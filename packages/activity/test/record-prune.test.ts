import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import { sampleTask } from "@todo/contracts/testing";
import { createTestUser, openTestDatabase } from "@todo/db/testing";
import { createRegistry, silentLog } from "@todo/server";
import { loadActivityConfig } from "../src/config.ts";
import { pruneActivity } from "../src/prune.ts";
import { changesOf } from "../src/record-activity.ts";
import { createActivityService } from "../src/service.ts";

async function openActivity(t: import("node:test").TestContext) {
  const database = await openTestDatabase();
  t.after(() => database.close());
  const service = createActivityService({
    database,
    config: { retentionDays: 30 },
    registry: createRegistry("activity-test"),
    log: silentLog,
  });
  return { database, db: database.db, service };
}

function event(type: string, userId: string, extra: Record<string, unknown> = {}) {
  return {
    event_id: randomUUID(),
    schema_version: 2,
    event_type: type,
    task_id: 7,
    user_id: userId,
    timestamp: "2027-01-01T10:00:00.000Z",
    source: "backend",
    data: { task: sampleTask(userId, 7, { title: "Pay rent", recurring_task_id: null }) },
    ...extra,
  };
}

test("an instance the recurring service created names its template; the service is the actor, no user", async (t) => {
  const { db, database, service } = await openActivity(t);
  const user = await createTestUser(database, "Ada");
  const template = await db
    .insertInto("recurring_tasks")
    .values({
      user_id: user.id,
      template_title: "Pay rent",
      recurrence_pattern: "monthly",
      anchor_at: "2027-01-01T10:00:00.000Z",
      next_occurrence: "2027-02-01T10:00:00.000Z",
    } as never)
    .returning("id")
    .executeTakeFirstOrThrow();
  const created = event("task.created", user.id, {
    source: "recurring-task-service",
    data: { task: sampleTask(user.id, 7, { title: "Pay rent", recurring_task_id: template.id }) },
  });
  assert.equal((await service.handle(created)).outcome, "SUCCESS");
  const row = await db.selectFrom("task_activity").selectAll().executeTakeFirstOrThrow();
  assert.equal(row.actor, "recurring-task-service");
  assert.equal(row.actor_user_id, null);
  assert.equal(row.template_id, template.id);
  assert.equal(row.template_title, "Pay rent");
  assert.equal(row.occurred_at.toISOString(), "2027-01-01T10:00:00.000Z");
});

test("each source is its actor: the web app's user, an API client, an assistant through MCP (the user acting), the schedule", async (t) => {
  const { db, database, service } = await openActivity(t);
  const user = await createTestUser(database, "Ada");
  const expected = {
    backend: ["user", user.id],
    api: ["api", user.id],
    mcp: ["mcp", user.id],
    "recurring-task-service": ["recurring-task-service", null],
  } as const;
  for (const [source, [actor, actorUserId]] of Object.entries(expected)) {
    const sent = event("task.completed", user.id, { source });
    assert.equal((await service.handle(sent)).outcome, "SUCCESS");
    const row = await db
      .selectFrom("task_activity")
      .select(["actor", "actor_user_id"])
      .where("event_id", "=", sent.event_id)
      .executeTakeFirstOrThrow();
    assert.deepEqual([row.actor, row.actor_user_id], [actor, actorUserId], source);
  }
});

test("an event of an unknown user writes nothing, a reminder writes nothing, and user.deleted drops the user's rows", async (t) => {
  const { db, database, service } = await openActivity(t);
  await service.handle(event("task.created", randomUUID()));
  const user = await createTestUser(database, "Ada");
  await service.handle({
    ...event("task.due.approaching", user.id),
    data: { ...event("x", user.id).data, due_date: "2027-01-02T00:00:00.000Z", offset_minutes: 60 },
  });
  assert.equal((await db.selectFrom("task_activity").select("id").execute()).length, 0);
  await service.handle(event("task.created", user.id));
  assert.equal((await db.selectFrom("task_activity").select("id").execute()).length, 1);
  await service.handle({ ...event("user.deleted", user.id), task_id: null, data: {} });
  assert.equal((await db.selectFrom("task_activity").select("id").execute()).length, 0);
});

test("a version 1 task.updated (no previous) still lists its changes, before unknown except for completed", () => {
  const user = randomUUID();
  const v1 = event("task.updated", user, {
    schema_version: 1,
    data: { task: sampleTask(user, 7, { title: "New" }), changed_fields: ["title", "completed"] },
  });
  assert.deepEqual(changesOf(v1 as never), [
    { field: "title", before: null, after: "New" },
    { field: "completed", before: true, after: false },
  ]);
});

test("the prune deletes rows whose event is older than the retention, and keeps the rest", async (t) => {
  const { db, database, service } = await openActivity(t);
  const user = await createTestUser(database, "Ada");
  const now = new Date("2027-03-01T00:00:00.000Z");
  for (const [days, title] of [
    [40, "old"],
    [31, "old too"],
    [29, "kept"],
    [0, "new"],
  ] as const) {
    const at = new Date(now.getTime() - days * 86_400_000).toISOString();
    await service.handle({
      ...event("task.created", user.id),
      timestamp: at,
      data: { task: sampleTask(user.id, 7, { title }) },
    });
  }
  assert.equal(await pruneActivity(db, 30, now, 1), 2);
  const left = await db.selectFrom("task_activity").select("task_title").orderBy("id").execute();
  assert.deepEqual(
    left.map((r) => r.task_title),
    ["kept", "new"],
  );
  assert.equal(await pruneActivity(db, 30, now), 0);
});

test("ACTIVITY_RETENTION_DAYS: 365 by default, a bad value named", () => {
  assert.equal(loadActivityConfig({}).retentionDays, 365);
  assert.equal(loadActivityConfig({ ACTIVITY_RETENTION_DAYS: "" }).retentionDays, 365);
  assert.equal(loadActivityConfig({ ACTIVITY_RETENTION_DAYS: "90" }).retentionDays, 90);
  assert.throws(() => loadActivityConfig({ ACTIVITY_RETENTION_DAYS: "0" }), /ACTIVITY_RETENTION_DAYS/);
  assert.throws(() => loadActivityConfig({ ACTIVITY_RETENTION_DAYS: "a year" }), /ACTIVITY_RETENTION_DAYS/);
});
