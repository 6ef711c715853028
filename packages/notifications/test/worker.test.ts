import assert from "node:assert/strict";
import { test } from "node:test";
import { sampleTask } from "@todo/contracts/testing";
import { createMemoryStateStore, recordEvent } from "@todo/events";
import { createRegistry } from "@todo/server";
import { backoffMs } from "../src/delivery-worker.ts";
import { OutboxConsumer } from "../src/outbox-consumer.ts";
import { createNotificationService } from "../src/service.ts";
import { createWebhook } from "../src/webhooks.ts";
import {
  createUser,
  fixedResolver,
  openService,
  quietLog,
  startReceiver,
  taskEvent,
  testConfig,
  waitFor,
} from "./helpers.ts";

test("backoff grows exponentially with jitter, is capped, and respects Retry-After", () => {
  const policy = { maxAttempts: 8, baseMs: 1000, maxMs: 60_000 };
  for (let attempt = 1; attempt <= 10; attempt++) {
    const ceiling = Math.min(60_000, 1000 * 2 ** (attempt - 1));
    for (let i = 0; i < 50; i++) {
      const delay = backoffMs(attempt, policy);
      assert.ok(delay >= ceiling / 2 && delay <= ceiling, `${attempt}: ${delay}`);
    }
  }
  assert.ok(backoffMs(1, policy, 30_000) >= 30_000);
  assert.ok(backoffMs(1, policy, 10 * 3_600_000) <= 60_000, "Retry-After is capped too");
});

test("two workers on one database send each delivery once (SKIP LOCKED claims)", async (t) => {
  const receiver = await startReceiver(t);
  const { db, database, service, onClose } = await openService(t);
  // A second replica of the worker, on the same database.
  const replica = createNotificationService({
    registry: createRegistry("test"),
    database,
    stateStore: createMemoryStateStore(),
    config: testConfig(),
    log: quietLog,
    worker: { pollIntervalMs: 50, concurrency: 4 },
  });
  onClose(() => replica.stop());
  const user = await createUser(database);
  await createWebhook(
    { db, userId: user.id, network: { allowPrivateNetworks: true, resolve: fixedResolver("127.0.0.1") } },
    { url: receiver.url, event_types: ["task.completed"] },
  );
  for (let i = 1; i <= 40; i++) await service.handle(taskEvent("task.completed", user.id, { taskId: i }));
  await Promise.all([service.start(), replica.start()]);
  await waitFor(
    async () => {
      const pending = await db
        .selectFrom("notification_deliveries")
        .select("id")
        .where("status", "!=", "delivered")
        .execute();
      return pending.length === 0;
    },
    "all deliveries delivered",
    20_000,
  );
  const ids = receiver.received.map((r) => String(r.headers["webhook-id"]));
  assert.equal(ids.length, 40);
  assert.equal(new Set(ids).size, 40, "no delivery went out twice");
});

test("the outbox consumer marks ignored events, dead-letters drops and, after its retries, failures", async (t) => {
  const { db, database, onClose } = await openService(t);
  const user = await createUser(database);
  const seen: string[] = [];
  const consumer = new OutboxConsumer({
    database,
    consumer: "probe",
    topics: ["task-events"],
    log: quietLog,
    maxAttempts: 3,
    backoff: { initialMs: 10, maxMs: 20 },
    handle: async (payload) => {
      const title = (payload as { data: { task: { title: string } } }).data.task.title;
      seen.push(title);
      if (title === "poison") return { outcome: "DROP", note: "malformed" };
      if (title === "flaky") return { outcome: "RETRY", note: "down" };
      return { outcome: "SUCCESS", note: "ignored unknown event type" };
    },
  });
  for (const title of ["poison", "flaky", "fine"]) {
    await recordEvent(db, {
      event_type: "task.created",
      task_id: 1,
      user_id: user.id,
      data: { task: sampleTask(user.id, 1, { title }) },
    });
  }
  await consumer.start();
  onClose(() => consumer.stop());
  await waitFor(
    async () => (await db.selectFrom("dead_letters").selectAll().execute()).length === 2,
    "dead letters",
  );
  const dead = await db.selectFrom("dead_letters").select(["consumer", "reason"]).orderBy("id").execute();
  assert.deepEqual(dead, [
    { consumer: "probe", reason: "malformed" },
    { consumer: "probe", reason: "gave up after 3 attempts: down" },
  ]);
  const marks = await db
    .selectFrom("processed_events")
    .select("event_id")
    .where("consumer", "=", "probe")
    .execute();
  assert.equal(marks.length, 3, "every event is settled: nothing is read again");
  const count = seen.length;
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(seen.length, count, "settled events are not handed over again");
  assert.deepEqual(seen.filter((s) => s === "flaky").length, 3);
});
