// The activity log through the real stack: the backend beside its daprd publishes task events to
// Kafka; audit-service beside its own daprd (its own consumer group) writes task_activity; the
// backend serves the log. Needs up.sh first; `npm run test:stack` does all of it.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { DomainEvent } from "@todo/contracts";
import { createDaprTransport } from "@todo/dapr";
import { openDatabase } from "@todo/db";
import { toCloudEvent } from "@todo/events";
import {
  appPort,
  createRunDatabase,
  daprPort,
  type RunningApp,
  signUp,
  startService,
  stopSidecar,
  useStackSecrets,
  waitUntil,
} from "./harness.ts";

let db: Awaited<ReturnType<typeof openDatabase>>;
let backendApp: RunningApp;
let audit: RunningApp;
const backend = `http://127.0.0.1:${appPort("backend")}`;

type User = { token: string; userId: string };

async function call(user: User, method: string, path: string, body?: unknown) {
  const response = await fetch(`${backend}/api/${user.userId}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${user.token}`,
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  // biome-ignore lint/suspicious/noExplicitAny: JSON answers of several shapes, checked by the tests
  return { status: response.status, body: (text ? JSON.parse(text) : null) as any };
}

async function rowsOf(userId: string) {
  return db.db
    .selectFrom("task_activity")
    .select(["event_id", "event_type", "task_id"])
    .where("user_id", "=", userId)
    .orderBy("occurred_at")
    .orderBy("id")
    .execute();
}

before(async () => {
  const databaseUrl = await createRunDatabase();
  db = await openDatabase({ kind: "postgres", url: databaseUrl, poolSize: 2 });
  useStackSecrets({ DATABASE_URL: databaseUrl });
  backendApp = await startService("backend", { AUTH_SIGN_IN_LIMIT_PER_MINUTE: "1000" });
  audit = await startService("audit-service");
});

after(async () => {
  for (const app of ["audit-service", "backend"] as const) await stopSidecar(app).catch(() => {});
  await audit?.stop();
  await backendApp?.stop();
  await db?.close();
});

test("create → update → complete → reopen → delete through Kafka: the task's history in order, each once; redelivered, still once", async () => {
  const user = await signUp();
  const created = await call(user, "POST", "/tasks", { title: "Pay rent", priority_id: 3 });
  assert.equal(created.status, 201);
  const id = created.body.id as number;
  assert.equal((await call(user, "PUT", `/tasks/${id}`, { priority_id: 4 })).status, 200);
  assert.equal((await call(user, "PATCH", `/tasks/${id}/complete`, { completed: true })).status, 200);
  assert.equal((await call(user, "PATCH", `/tasks/${id}/complete`, { completed: false })).status, 200);
  assert.equal((await call(user, "DELETE", `/tasks/${id}`)).status, 204);

  const expected = ["task.created", "task.updated", "task.completed", "task.updated", "task.deleted"];
  await waitUntil(async () => (await rowsOf(user.userId)).length >= 5, "five activity rows");
  const story = await call(user, "GET", `/tasks/${id}/activity`);
  assert.equal(story.status, 200);
  assert.deepEqual(
    story.body.items.map((e: { event_type: string }) => e.event_type),
    expected,
  );
  assert.deepEqual(story.body.items[1].changes, [{ field: "priority", before: "High", after: "Critical" }]);
  assert.deepEqual(story.body.items[3].changes, [{ field: "completed", before: true, after: false }]);

  // Every event published again through the backend's sidecar, as the relay published it.
  const outbox = await db.db.selectFrom("outbox").select(["payload", "topic", "partition_key"]).execute();
  const transport = createDaprTransport({ httpPort: daprPort("backend"), pubsubName: "task-pubsub" });
  const mine = outbox
    .map((row) => ({
      ...row,
      event: (typeof row.payload === "string" ? JSON.parse(row.payload) : row.payload) as DomainEvent,
    }))
    .filter((row) => row.event.user_id === user.userId);
  assert.equal(mine.length, 5);
  for (const row of mine) {
    await transport.publish({
      topic: row.topic,
      partitionKey: row.partition_key,
      event: toCloudEvent(row.event),
    });
  }
  // A marker event after the redeliveries (same partition): once it is recorded, they have been handled.
  const marker = await call(user, "POST", "/tasks", { title: "after the redeliveries" });
  await waitUntil(
    async () => (await rowsOf(user.userId)).some((r) => r.task_id === marker.body.id),
    "the marker task's row",
  );
  const rows = await rowsOf(user.userId);
  assert.equal(rows.length, 6);
  assert.equal(new Set(rows.map((r) => r.event_id)).size, 6);
});

test("audit-service killed mid-stream and started again: nothing missing, nothing twice", async () => {
  const user = await signUp();
  const ids: number[] = [];
  for (let i = 0; i < 10; i++) {
    const reply = await call(user, "POST", "/tasks", { title: `burst ${i}` });
    ids.push(reply.body.id);
    if (i === 4) {
      await audit.stop("SIGKILL");
      await stopSidecar("audit-service");
    }
  }
  audit = await startService("audit-service");
  await waitUntil(
    async () => (await rowsOf(user.userId)).length >= 10,
    "ten activity rows after the restart",
    60_000,
  );
  const rows = await rowsOf(user.userId);
  assert.equal(rows.length, 10);
  assert.deepEqual(new Set(rows.map((r) => r.task_id)), new Set(ids));
  const log = await call(user, "GET", "/activity?event_type=task.created&limit=200");
  assert.equal(log.body.items.length, 10);
});
