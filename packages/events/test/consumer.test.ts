import assert from "node:assert/strict";
import { test } from "node:test";
import { openTestDatabase } from "@todo/db/testing";
import { sql } from "kysely";
import { toCloudEvent } from "../src/cloud-event.ts";
import { consumeEvent, PermanentEventError } from "../src/consumer.ts";
import { recordEvent } from "../src/outbox-writer.ts";
import { createUser, quietLog, taskSnapshot } from "./fixtures.ts";

async function setup(t: import("node:test").TestContext) {
  const database = await openTestDatabase();
  t.after(() => database.close());
  await sql`CREATE TABLE effects (event_id uuid, note text)`.execute(database.db);
  const userId = await createUser(database);
  const event = await recordEvent(database.db, {
    event_type: "task.completed",
    task_id: 1,
    user_id: userId,
    data: { task: { ...taskSnapshot(userId, 1), completed: true } },
  });
  const deps = { db: database.db, log: quietLog };
  const effects = async () =>
    (await sql<{ n: number }>`SELECT count(*)::int AS n FROM effects`.execute(database.db)).rows[0]!.n;
  return { database, event, deps, effects };
}

test("a redelivered event has no second effect, whether wrapped in a CloudEvent or not", async (t) => {
  const { event, deps, effects } = await setup(t);
  const handle = async (
    e: { event_id: string },
    tx: import("kysely").Transaction<import("@todo/db").Database>,
  ) => {
    await sql`INSERT INTO effects VALUES (${e.event_id}, 'done')`.execute(tx);
  };
  assert.deepEqual(await consumeEvent(deps, "mailer", toCloudEvent(event), handle), { outcome: "SUCCESS" });
  assert.deepEqual(await consumeEvent(deps, "mailer", toCloudEvent(event), handle), {
    outcome: "SUCCESS",
    note: "duplicate",
  });
  assert.deepEqual(await consumeEvent(deps, "mailer", event, handle), {
    outcome: "SUCCESS",
    note: "duplicate",
  });
  assert.equal(await effects(), 1);
  // Another consumer has its own record.
  assert.deepEqual(await consumeEvent(deps, "auditor", event, handle), { outcome: "SUCCESS" });
  assert.equal(await effects(), 2);
});

test("concurrent deliveries of one event run the handler once", async (t) => {
  const { event, deps, effects } = await setup(t);
  const handle = async (
    e: { event_id: string },
    tx: import("kysely").Transaction<import("@todo/db").Database>,
  ) => {
    await sql`INSERT INTO effects VALUES (${e.event_id}, 'done')`.execute(tx);
    await new Promise((r) => setTimeout(r, 20));
  };
  const results = await Promise.all([1, 2, 3, 4].map(() => consumeEvent(deps, "mailer", event, handle)));
  assert.ok(results.every((r) => r.outcome === "SUCCESS"));
  assert.equal(await effects(), 1);
});

test("a failing handler asks for a retry and leaves no mark, so the retry runs it again", async (t) => {
  const { event, deps, effects } = await setup(t);
  let calls = 0;
  const flaky = async (
    e: { event_id: string },
    tx: import("kysely").Transaction<import("@todo/db").Database>,
  ) => {
    calls += 1;
    await sql`INSERT INTO effects VALUES (${e.event_id}, 'partial')`.execute(tx);
    if (calls === 1) throw new Error("smtp timeout");
  };
  assert.equal((await consumeEvent(deps, "mailer", event, flaky)).outcome, "RETRY");
  assert.equal(await effects(), 0, "the partial effect was rolled back with the mark");
  assert.equal((await consumeEvent(deps, "mailer", event, flaky)).outcome, "SUCCESS");
  assert.equal(await effects(), 1);
});

test("malformed events are dropped with the reason; unknown event types are acknowledged and ignored", async (t) => {
  const { event, deps, effects } = await setup(t);
  const handle = async () => {
    throw new Error("must not run");
  };
  const broken = await consumeEvent(deps, "mailer", { ...event, event_id: "nope" }, handle);
  assert.equal(broken.outcome, "DROP");
  assert.match(broken.note ?? "", /event_id/);
  assert.equal((await consumeEvent(deps, "mailer", "not json at all", handle)).outcome, "DROP");
  const future = await consumeEvent(deps, "mailer", { ...event, event_type: "task.archived" }, handle);
  assert.deepEqual(future, { outcome: "SUCCESS", note: "ignored unknown event type task.archived" });
  const permanent = await consumeEvent(deps, "mailer", event, async () => {
    throw new PermanentEventError("user has no email");
  });
  assert.deepEqual(permanent, { outcome: "DROP", note: "user has no email" });
  assert.equal(await effects(), 0);
});

test("an event with fields the consumer does not know is processed", async (t) => {
  const { event, deps } = await setup(t);
  const seen: unknown[] = [];
  const result = await consumeEvent(
    deps,
    "mailer",
    { ...event, added_later: true, data: { ...event.data, extra: 1 } },
    async (e) => {
      seen.push(e.event_type);
    },
  );
  assert.equal(result.outcome, "SUCCESS");
  assert.deepEqual(seen, ["task.completed"]);
});
