import assert from "node:assert/strict";
import { test } from "node:test";
import { Webhook } from "standardwebhooks";
import { createWebhook, deleteWebhook } from "../src/webhooks.ts";
import {
  createUser,
  fixedResolver,
  openService,
  startReceiver,
  taskEvent,
  testConfig,
  waitFor,
} from "./helpers.ts";

const loopback = { allowPrivateNetworks: true, resolve: fixedResolver("127.0.0.1") };

async function deliveries(db: Awaited<ReturnType<typeof openService>>["db"]) {
  return db.selectFrom("notification_deliveries").selectAll().where("channel", "=", "webhook").execute();
}

test("a webhook gets the event, signed after Standard Webhooks; a 500 is retried with the same webhook-id", async (t) => {
  const receiver = await startReceiver(t, (_request, index) => ({ status: index === 0 ? 500 : 204 }));
  const { db, database, service } = await openService(t);
  const user = await createUser(database);
  const hook = await createWebhook(
    { db, userId: user.id, network: loopback },
    { url: `${receiver.url}/hooks/todo`, event_types: ["task.completed"] },
  );
  assert.match(hook.secret, /^whsec_[A-Za-z0-9+/]+=*$/);
  assert.ok(Buffer.from(hook.secret.slice(6), "base64").length >= 24);

  await service.start();
  const event = taskEvent("task.completed", user.id, { title: "Ship it" });
  assert.equal((await service.handle(event)).outcome, "SUCCESS");
  await waitFor(() => receiver.received.length >= 2, "the retry after the 500");

  const [first, second] = receiver.received;
  assert.equal(first!.url, "/hooks/todo");
  assert.equal(first!.headers["content-type"], "application/json");
  assert.equal(
    first!.headers["webhook-id"],
    second!.headers["webhook-id"],
    "webhook-id is stable across retries",
  );
  for (const request of [first!, second!]) {
    const verified = new Webhook(hook.secret).verify(request.body.toString(), {
      "webhook-id": String(request.headers["webhook-id"]),
      "webhook-timestamp": String(request.headers["webhook-timestamp"]),
      "webhook-signature": String(request.headers["webhook-signature"]),
    }) as { type: string; timestamp: string; data: { event_id: string; data: { task: { title: string } } } };
    assert.equal(verified.type, "task.completed");
    assert.equal(verified.data.event_id, event.id);
    assert.equal(verified.data.data.task.title, "Ship it");
    assert.match(String(request.headers["webhook-timestamp"]), /^\d{10}$/);
  }
  // A wrong secret does not verify: the signature really is keyed.
  assert.throws(() =>
    new Webhook(`whsec_${Buffer.alloc(32, 1).toString("base64")}`).verify(second!.body.toString(), {
      "webhook-id": String(second!.headers["webhook-id"]),
      "webhook-timestamp": String(second!.headers["webhook-timestamp"]),
      "webhook-signature": String(second!.headers["webhook-signature"]),
    }),
  );

  const [row] = await waitFor(async () => {
    const rows = await deliveries(db);
    return rows[0]?.status === "delivered" ? rows : undefined;
  }, "the delivered status");
  assert.equal(row!.id, first!.headers["webhook-id"], "webhook-id is the delivery's id");
  assert.equal(row!.attempts, 2);
});

test("a 400 from a webhook is not retried: the delivery is dead at once, with the error", async (t) => {
  const receiver = await startReceiver(t, () => ({ status: 400 }));
  const { db, database, service, registry } = await openService(t);
  const user = await createUser(database);
  await createWebhook(
    { db, userId: user.id, network: loopback },
    { url: receiver.url, event_types: ["task.completed"] },
  );
  await service.start();
  await service.handle(taskEvent("task.completed", user.id));
  const [row] = await waitFor(async () => {
    const rows = await deliveries(db);
    return rows[0]?.status === "dead" ? rows : undefined;
  }, "a dead delivery");
  assert.equal(row!.attempts, 1);
  assert.match(row!.last_error ?? "", /HTTP 400/);
  await new Promise((r) => setTimeout(r, 400));
  assert.equal(receiver.received.length, 1, "no second attempt");
  const metrics = await registry.metrics();
  assert.match(metrics, /notification_deliveries_total\{channel="webhook",outcome="dead"[^}]*\} 1/);
});

test("after the last attempt a failing delivery is dead, and counted", async (t) => {
  const receiver = await startReceiver(t, () => ({ status: 503 }));
  const { db, database, service, registry } = await openService(t, {
    retry: { baseMs: 10, maxMs: 40, maxAttempts: 3 },
  });
  const user = await createUser(database);
  await createWebhook(
    { db, userId: user.id, network: loopback },
    { url: receiver.url, event_types: ["task.completed"] },
  );
  await service.start();
  await service.handle(taskEvent("task.completed", user.id));
  const [row] = await waitFor(async () => {
    const rows = await deliveries(db);
    return rows[0]?.status === "dead" ? rows : undefined;
  }, "a dead delivery");
  assert.equal(row!.attempts, 3);
  assert.match(row!.last_error ?? "", /gave up after 3 attempts: HTTP 503/);
  assert.equal(receiver.received.length, 3);
  const metrics = await registry.metrics();
  assert.match(metrics, /notification_deliveries_total\{channel="webhook",outcome="failed"[^}]*\} 2/);
  assert.match(metrics, /notification_deliveries_total\{channel="webhook",outcome="dead"[^}]*\} 1/);
});

test("a receiver that does not answer in time is retried; a redirect is not followed", async (t) => {
  const slow = await startReceiver(t, (_r, index) => (index === 0 ? "hang" : { status: 200 }));
  const redirect = await startReceiver(t, () => ({
    status: 302,
    headers: { location: "http://127.0.0.1:1/" },
  }));
  const { db, database, service } = await openService(t, {
    config: testConfig({ webhooks: { allowPrivateNetworks: true, timeoutMs: 1500 } }),
  });
  const user = await createUser(database);
  await createWebhook(
    { db, userId: user.id, network: loopback },
    { url: slow.url, event_types: ["task.completed"] },
  );
  await createWebhook(
    { db, userId: user.id, network: loopback },
    { url: redirect.url, event_types: ["task.completed"] },
  );
  await service.start();
  await service.handle(taskEvent("task.completed", user.id));
  const rows = await waitFor(async () => {
    const all = await deliveries(db);
    return all.length === 2 && all.every((r) => r.status === "delivered" || r.status === "dead")
      ? all
      : undefined;
  }, "both deliveries settled");
  const byStatus = Object.fromEntries(rows.map((r) => [r.status, r]));
  // The first attempt hangs and times out; a loaded machine may time out a later one too.
  assert.ok((byStatus.delivered?.attempts ?? 0) >= 2, "the timed-out attempt was retried");
  assert.equal(slow.received.length, byStatus.delivered?.attempts, "one request per recorded attempt");
  assert.equal(byStatus.dead?.attempts, 1);
  assert.match(byStatus.dead?.last_error ?? "", /302.*redirects are not followed/);
  assert.equal(redirect.received.length, 1);
});

test("a URL that resolves to a private address is refused at delivery too (DNS rebinding)", async (t) => {
  const receiver = await startReceiver(t);
  // At creation the name resolves to a public address; by delivery time it points at loopback.
  let answer = "93.184.216.34";
  const resolve = async () => [{ address: answer, family: 4 }];
  const { db, database, service } = await openService(t, {
    config: testConfig({ webhooks: { allowPrivateNetworks: false, timeoutMs: 1000 } }),
    resolve,
  });
  const user = await createUser(database);
  const network = { allowPrivateNetworks: false, resolve };
  await createWebhook(
    { db, userId: user.id, network },
    { url: `http://hooks.example.test:${receiver.port}/x`, event_types: ["task.completed"] },
  );
  answer = "::ffff:127.0.0.1";
  await service.start();
  await service.handle(taskEvent("task.completed", user.id));
  const [row] = await waitFor(async () => {
    const rows = await deliveries(db);
    return rows[0]?.status === "dead" ? rows : undefined;
  }, "a refused delivery");
  assert.match(row!.last_error ?? "", /refused: .*::ffff:127\.0\.0\.1.*private, loopback or link-local/);
  assert.equal(receiver.received.length, 0, "nothing reached the private address");
});

test("webhooks fire by their own event types, and not after they are deleted", async (t) => {
  const receiver = await startReceiver(t);
  const { db, database, service } = await openService(t);
  const user = await createUser(database);
  const hook = await createWebhook(
    { db, userId: user.id, network: loopback },
    { url: receiver.url, event_types: ["task.updated"] },
  );
  await service.start();
  await service.handle(taskEvent("task.completed", user.id));
  await service.handle(taskEvent("task.updated", user.id));
  await waitFor(() => receiver.received.length === 1, "the task.updated webhook");
  assert.equal(JSON.parse(receiver.received[0]!.body.toString()).type, "task.updated");
  // Nothing else goes out for the user: updates are not an in-app event by default.
  assert.equal((await db.selectFrom("notifications").selectAll().execute()).length, 1);

  await deleteWebhook({ db, userId: user.id }, hook.id);
  await service.handle(taskEvent("task.updated", user.id));
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(receiver.received.length, 1, "a deleted webhook gets nothing");
});
