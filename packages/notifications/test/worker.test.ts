import assert from "node:assert/strict";
import { test } from "node:test";
import { createMemoryStateStore } from "@todo/events";
import { createRegistry } from "@todo/server";
import { backoffMs } from "../src/delivery-worker.ts";
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
    60_000,
  );
  // A send that timed out on a loaded machine is retried (at least once is the contract, and the
  // webhook-id lets receivers drop the copy); what the claims forbid is two workers sending one
  // attempt: every copy a receiver got must be an attempt its delivery recorded.
  const ids = receiver.received.map((r) => String(r.headers["webhook-id"]));
  assert.equal(new Set(ids).size, 40, "every delivery reached the receiver");
  const attempts = await db.selectFrom("notification_deliveries").select(["id", "attempts"]).execute();
  assert.equal(attempts.length, 40);
  for (const delivery of attempts) {
    const copies = ids.filter((id) => id === String(delivery.id)).length;
    assert.ok(
      copies <= delivery.attempts,
      `delivery ${delivery.id} went out ${copies} times in ${delivery.attempts} attempts`,
    );
  }
});
