import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import { daprSubscriptionsFor, registerDaprSubscriptions } from "@todo/dapr";
import { createRegistry } from "@todo/server";
import Fastify from "fastify";
import { updatePreferences } from "../src/preferences.ts";
import { createWebhook } from "../src/webhooks.ts";
import {
  createUser,
  fixedResolver,
  openService,
  quietLog,
  sendEvent,
  startReceiver,
  taskEvent,
  testConfig,
} from "./helpers.ts";

const loopback = { allowPrivateNetworks: true, resolve: fixedResolver("127.0.0.1") };

async function counts(db: Awaited<ReturnType<typeof openService>>["db"]) {
  const n = async (table: "notifications" | "notification_deliveries") =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const outbox = await db.selectFrom("outbox").select("event_type").execute();
  return {
    notifications: await n("notifications"),
    deliveries: await n("notification_deliveries"),
    created: outbox.filter((r) => r.event_type === "notification.created").length,
  };
}

test("a redelivered event creates no second notification or delivery, even when both copies run at once", async (t) => {
  const receiver = await startReceiver(t);
  const { db, database, service } = await openService(t, {
    config: testConfig({ email: { smtpUrl: "smtp://127.0.0.1:1", from: "todo@example.com" } }),
  });
  const user = await createUser(database);
  await createWebhook(
    { db, userId: user.id, network: loopback },
    { url: receiver.url, event_types: ["task.due.approaching"] },
  );
  const event = taskEvent("task.due.approaching", user.id);

  const results = await Promise.all([service.handle(event), service.handle(event)]);
  assert.deepEqual(
    results.map((r) => r.outcome),
    ["SUCCESS", "SUCCESS"],
  );
  assert.equal(results.filter((r) => r.note === "duplicate").length, 1);
  const again = await service.handle(event);
  assert.deepEqual(again, { outcome: "SUCCESS", note: "duplicate" });
  // Dapr may also hand over only the data, not the CloudEvent around it: same event, same answer.
  assert.equal((await service.handle(event.data)).note, "duplicate");

  assert.deepEqual(await counts(db), { notifications: 1, deliveries: 2, created: 1 });
});

test("the unique keys hold even if the processed mark is lost", async (t) => {
  const { db, database, service } = await openService(t, {
    config: testConfig({ email: { smtpUrl: "smtp://127.0.0.1:1", from: "todo@example.com" } }),
  });
  const user = await createUser(database);
  const event = taskEvent("task.due.approaching", user.id);
  await service.handle(event);
  await db.deleteFrom("processed_events").execute();
  assert.deepEqual(await service.handle(event), { outcome: "SUCCESS" });
  const after = await counts(db);
  assert.deepEqual(after, { notifications: 1, deliveries: 1, created: 1 });
});

test("which events notify: completions, reminders, recurring instances and notification.send; not the user's own new task", async (t) => {
  const { db, database, service } = await openService(t);
  const user = await createUser(database);
  await service.handle(taskEvent("task.created", user.id, { taskId: 1, title: "Mine" }));
  await service.handle(
    taskEvent("task.created", user.id, { taskId: 2, title: "Daily", source: "recurring-task-service" }),
  );
  await service.handle(taskEvent("task.completed", user.id, { taskId: 3, title: "Done" }));
  await service.handle(taskEvent("task.updated", user.id, { taskId: 4, title: "Edited" }));
  await service.handle(taskEvent("task.deleted", user.id, { taskId: 5, title: "Gone" }));
  await service.handle(taskEvent("task.due.approaching", user.id, { taskId: 6, title: "Soon" }));
  await service.handle(sendEvent(user.id, { title: "Welcome", body: "Hello from the team" }));
  const titles = (await db.selectFrom("notifications").select("title").orderBy("id").execute()).map(
    (r) => r.title,
  );
  assert.deepEqual(titles, ["New: Daily", "Completed: Done", "Due in 1 hour: Soon", "Welcome"]);

  // Changes notify once the user asks for them.
  await updatePreferences(db, user.id, { preferences: { "task.updated": { in_app: true } } });
  await service.handle(taskEvent("task.updated", user.id, { taskId: 4, title: "Edited" }));
  assert.equal(
    (await db.selectFrom("notifications").select("title").orderBy("id", "desc").executeTakeFirstOrThrow())
      .title,
    "Changed: Edited",
  );
});

test("each new notification is announced on the outbox as notification.created, which is not notified again", async (t) => {
  const { db, database, service } = await openService(t);
  const user = await createUser(database);
  await service.handle(taskEvent("task.completed", user.id, { title: "Ship" }));
  const row = await db
    .selectFrom("outbox")
    .selectAll()
    .where("event_type", "=", "notification.created")
    .executeTakeFirstOrThrow();
  assert.equal(row.topic, "notification-events");
  assert.equal(row.partition_key, user.id);
  const payload = row.payload as { source: string; data: { notification: { title: string; read: boolean } } };
  assert.equal(payload.source, "notification-service");
  assert.equal(payload.data.notification.title, "Completed: Ship");
  assert.equal(payload.data.notification.read, false);

  // The service also subscribes to notification-events: its own announcement must not loop.
  assert.equal((await service.handle(payload)).outcome, "SUCCESS");
  assert.deepEqual(await counts(db), { notifications: 1, deliveries: 0, created: 1 });
});

test("notification.send honours both the requested channels and the user's preferences", async (t) => {
  const receiver = await startReceiver(t);
  const { db, database, service } = await openService(t, {
    config: testConfig({ email: { smtpUrl: "smtp://127.0.0.1:1", from: "todo@example.com" } }),
  });
  const user = await createUser(database);
  await createWebhook(
    { db, userId: user.id, network: loopback },
    { url: receiver.url, event_types: ["notification.send"] },
  );
  await updatePreferences(db, user.id, { preferences: { "notification.send": { email: true } } });
  await service.handle(sendEvent(user.id, { title: "Only mail", body: "b", channels: ["email"] }));
  const channels = await db.selectFrom("notification_deliveries").select("channel").execute();
  assert.deepEqual(channels, [{ channel: "email" }]);
  assert.equal((await counts(db)).notifications, 0, "in_app was not requested");
});

test("malformed events are dropped, unknown event types are acknowledged, events of deleted users are no-ops", async (t) => {
  const { db, service } = await openService(t);
  assert.equal((await service.handle({ event_type: "task.completed", event_id: "nope" })).outcome, "DROP");
  assert.equal(
    (await service.handle({ event_type: "task.exploded", event_id: randomUUID() })).outcome,
    "SUCCESS",
  );
  assert.equal((await service.handle(taskEvent("task.completed", randomUUID()))).outcome, "SUCCESS");
  assert.equal((await counts(db)).notifications, 0);
});

test("Dapr subscriptions carry their dead-letter topics; the routes answer with an explicit status", async (t) => {
  const { db, database, service } = await openService(t);
  const user = await createUser(database);
  const app = Fastify();
  t.after(() => app.close());
  registerDaprSubscriptions(
    app,
    daprSubscriptionsFor(service.subscriptions, {
      pubsubName: "task-pubsub",
      db,
      log: quietLog,
      registry: createRegistry("test"),
    }),
  );
  const listed = await app.inject({ method: "GET", url: "/dapr/subscribe" });
  assert.deepEqual(listed.json(), [
    {
      pubsubname: "task-pubsub",
      topic: "task-events",
      route: "/task-events",
      deadLetterTopic: "task-events-dlq",
    },
    {
      pubsubname: "task-pubsub",
      topic: "notification-events",
      route: "/notification-events",
      deadLetterTopic: "notification-events-dlq",
    },
  ]);
  const event = taskEvent("task.completed", user.id);
  const delivered = await app.inject({
    method: "POST",
    url: "/task-events",
    headers: { "content-type": "application/cloudevents+json" },
    payload: JSON.stringify(event),
  });
  assert.deepEqual(delivered.json(), { status: "SUCCESS" });
  const poison = await app.inject({
    method: "POST",
    url: "/notification-events",
    payload: { event_type: "notification.send" },
  });
  assert.deepEqual(poison.json(), { status: "DROP" });
});
