import assert from "node:assert/strict";
import { test } from "node:test";
import { openTestDatabase } from "@todo/db/testing";
import { createRegistry } from "@todo/server";
import { PermanentEventError } from "../src/consumer.ts";
import { createOutboxDriver } from "../src/outbox-driver.ts";
import { recordEvent } from "../src/outbox-writer.ts";
import type { Subscription } from "../src/subscription.ts";
import { createUser, pendingCount, quietLog, taskSnapshot } from "./fixtures.ts";

test("the outbox driver hands each event to its subscriptions once, writing in their own transactions; drops and exhausted retries become dead letters", async (t) => {
  const database = await openTestDatabase();
  t.after(() => database.close());
  const userId = await createUser(database);
  const seen: string[] = [];
  let flakyCalls = 0;
  const probe: Subscription = {
    name: "probe",
    topics: ["task-events"],
    async handle(event, tx) {
      const title = event.event_type === "task.created" ? event.data.task.title : "";
      seen.push(title);
      if (title === "poison") throw new PermanentEventError("cannot be processed");
      if (title === "flaky") {
        flakyCalls += 1;
        throw new Error("downstream is down");
      }
      // The effect, in the transaction that marks the event processed.
      await tx.insertInto("tags").values({ user_id: userId, name: title, name_key: title }).execute();
    },
  };
  const registry = createRegistry("events-test");
  const relay = createOutboxDriver({
    database,
    subscriptions: [probe],
    log: quietLog,
    registry,
    maxAttempts: 3,
  });
  for (const title of ["poison", "flaky", "fine"]) {
    await recordEvent(database.db, {
      event_type: "task.created",
      task_id: 1,
      user_id: userId,
      data: { task: { ...taskSnapshot(userId, 1), title } },
    });
  }
  // The flaky event holds back later ones (order per user) until its retries run out.
  assert.equal(await relay.drain(), 1);
  assert.equal(await relay.drain(), 0);
  assert.equal(await relay.drain(), 2);
  assert.equal(await pendingCount(database), 0);
  assert.equal(flakyCalls, 3);

  const dead = await database.db
    .selectFrom("dead_letters")
    .select(["consumer", "reason", "topic"])
    .orderBy("id")
    .execute();
  assert.deepEqual(dead, [
    { consumer: "probe", reason: "cannot be processed", topic: "task-events" },
    { consumer: "probe", reason: "gave up after 3 attempts: downstream is down", topic: "task-events" },
  ]);
  const tags = await database.db.selectFrom("tags").select("name").execute();
  assert.deepEqual(tags, [{ name: "fine" }]);
  const marks = await database.db.selectFrom("processed_events").select("consumer").execute();
  assert.equal(marks.length, 3, "every event is settled for the subscription");
  assert.match(
    await registry.metrics(),
    /events_consumed_total\{consumer="probe",outcome="retry",service="events-test"\} 3/,
  );
});
