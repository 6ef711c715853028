// End-to-end through the real stack: backend and recurring-task service beside their daprd
// sidecars, Kafka in between, and a subscriber as notification-service. Needs up.sh first;
// `npm run test:stack` does all of it.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { openSync } from "node:fs";
import { after, before, test } from "node:test";
import { sampleTask } from "@todo/contracts/testing";
import { createDaprTransport } from "@todo/dapr";
import { openDatabase } from "@todo/db";
import { toCloudEvent } from "@todo/events";
import { sql } from "kysely";
import {
  appPort,
  createRunDatabase,
  daprPort,
  kafka,
  type RunningApp,
  redisGet,
  repoRoot,
  signUp,
  stackDir,
  startService,
  startSidecar,
  stopSidecar,
  useStackSecrets,
  waitForHttp,
  waitUntil,
} from "./harness.ts";

let databaseUrl: string;
let db: Awaited<ReturnType<typeof openDatabase>>;
const apps: RunningApp[] = [];
let probe: ChildProcess | undefined;
const backend = `http://127.0.0.1:${appPort("backend")}`;

async function startProbe(): Promise<void> {
  const log = openSync(`${stackDir}/logs/app-probe.log`, "a");
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "infrastructure/stack/test/probe-subscriber.ts",
      String(appPort("notification-service")),
      databaseUrl,
    ],
    { cwd: repoRoot, stdio: ["ignore", log, log] },
  );
  probe = child;
  await waitForHttp(
    `http://127.0.0.1:${appPort("notification-service")}/healthz`,
    30_000,
    () => child.exitCode !== null,
    "probe",
  );
}

async function createTask(
  user: { token: string; userId: string },
  title: string,
): Promise<{ status: number; id?: number }> {
  const response = await fetch(`${backend}/api/${user.userId}/tasks`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${user.token}` },
    body: JSON.stringify({ title }),
  });
  const body = (await response.json()) as { id?: number };
  return { status: response.status, ...(body.id ? { id: body.id } : {}) };
}

async function effectsFor(userId: string) {
  const { rows } = await sql<{ event_id: string; event_type: string; task_id: number; source: string }>`
    SELECT event_id, event_type, task_id, source FROM stack_probe_effects WHERE user_id = ${userId}`.execute(
    db.db,
  );
  return rows;
}

before(async () => {
  databaseUrl = await createRunDatabase();
  db = await openDatabase({ kind: "postgres", url: databaseUrl, poolSize: 3 });
  await sql`CREATE TABLE stack_probe_effects (event_id uuid PRIMARY KEY, event_type text, task_id int, user_id text, source text, at timestamptz DEFAULT clock_timestamp())`.execute(
    db.db,
  );
  await sql`CREATE TABLE stack_probe_deliveries (id bigserial PRIMARY KEY, body jsonb, at timestamptz DEFAULT clock_timestamp())`.execute(
    db.db,
  );
  // Credentials through the file secret store: the services' environment holds none.
  useStackSecrets({ DATABASE_URL: databaseUrl });
  apps.push(await startService("backend", { AUTH_SIGN_IN_LIMIT_PER_MINUTE: "1000" }));
  apps.push(await startService("recurring-task-service"));
  await startProbe();
  await startSidecar("notification-service");
});

after(async () => {
  for (const app of ["notification-service", "recurring-task-service", "backend"] as const)
    await stopSidecar(app).catch(() => {});
  probe?.kill("SIGTERM");
  for (const app of apps) await app.stop();
  await db?.close();
});

test("a task created through the backend reaches a subscriber through daprd → Kafka → daprd, as a CloudEvent with the seed's fields", async () => {
  const user = await signUp();
  const created = await createTask(user, "through Kafka");
  assert.equal(created.status, 201);
  await waitUntil(
    async () => (await effectsFor(user.userId)).length === 1,
    "the probe to receive task.created",
  );
  // biome-ignore lint/suspicious/noExplicitAny: a CloudEvent as Dapr delivered it, checked field by field below
  const { rows } = await sql<{ body: Record<string, any> }>`
    SELECT body FROM stack_probe_deliveries WHERE body->'data'->>'user_id' = ${user.userId}`.execute(db.db);
  const cloudEvent = rows[0]!.body;
  assert.equal(cloudEvent.specversion, "1.0");
  assert.equal(cloudEvent.type, "task.created");
  assert.equal(cloudEvent.source, "api", "a bearer token is a REST API client");
  assert.equal(cloudEvent.topic, "task-events");
  assert.equal(cloudEvent.pubsubname, "task-pubsub");
  const data = cloudEvent.data;
  for (const field of [
    "event_type",
    "task_id",
    "user_id",
    "timestamp",
    "data",
    "source",
    "event_id",
    "schema_version",
  ]) {
    assert.ok(field in data, `data.${field}`);
  }
  assert.equal(data.task_id, created.id);
  assert.equal(data.data.task.title, "through Kafka");
});

test("Kafka stopped for 30 s while tasks are created: the API answers 2xx, and every event arrives afterwards, once", async () => {
  const user = await signUp();
  const statuses: number[] = [];
  for (let i = 0; i < 5; i++) statuses.push((await createTask(user, `before ${i}`)).status);
  await kafka("stop");
  const outageEnds = Date.now() + 30_000;
  let i = 0;
  while (Date.now() < outageEnds) {
    statuses.push((await createTask(user, `during ${i++}`)).status);
    await new Promise((r) => setTimeout(r, 250));
  }
  const ready = await fetch(`${backend}/readyz`).then(
    (r) => r.json() as Promise<{ status: string; checks: Record<string, string> }>,
  );
  await kafka("start");
  for (let j = 0; j < 5; j++) statuses.push((await createTask(user, `after ${j}`)).status);

  assert.ok(
    statuses.every((s) => s === 201),
    `API statuses: ${[...new Set(statuses)].join(", ")}`,
  );
  assert.equal(ready.status, "ready", "the backend stays ready while the broker is away");
  await waitUntil(
    async () => (await effectsFor(user.userId)).length >= statuses.length,
    `${statuses.length} events after recovery`,
    120_000,
  );
  await new Promise((r) => setTimeout(r, 2000));
  const effects = await effectsFor(user.userId);
  assert.equal(effects.length, statuses.length, "none lost, none duplicated in effect");
  const { rows } = await sql<{
    pending: number;
  }>`SELECT count(*)::int AS pending FROM outbox WHERE published_at IS NULL`.execute(db.db);
  assert.equal(rows[0]!.pending, 0);
});

test("a subscriber killed mid-stream and restarted: every event is processed once", async () => {
  const user = await signUp();
  const total = 60;
  let killed = false;
  for (let i = 0; i < total; i++) {
    assert.equal((await createTask(user, `stream ${i}`)).status, 201);
    if (i === 20) {
      probe!.kill("SIGKILL");
      killed = true;
    }
    if (i === 30) await startProbe();
  }
  assert.ok(killed);
  await waitUntil(
    async () => (await effectsFor(user.userId)).length >= total,
    `${total} events processed`,
    120_000,
  );
  await new Promise((r) => setTimeout(r, 2000));
  const effects = await effectsFor(user.userId);
  assert.equal(effects.length, total);
  assert.equal(new Set(effects.map((e) => e.task_id)).size, total);
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM stack_probe_deliveries WHERE body->'data'->>'user_id' = ${user.userId}`.execute(
    db.db,
  );
  // Deliveries may exceed effects (redelivery after the crash); effects may not.
  assert.ok(rows[0]!.n >= total);
});

test("a template fires through the real Dapr cron binding and its task.created reaches Kafka", async () => {
  const user = await signUp();
  const response = await fetch(`${backend}/api/${user.userId}/recurring-tasks`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${user.token}` },
    body: JSON.stringify({
      template_title: "Through the cron binding",
      recurrence_pattern: "daily",
      next_occurrence: new Date(Date.now() + 2000).toISOString(),
    }),
  });
  assert.equal(response.status, 201);
  // The instance is due as it is made, so its reminder (task.due.approaching) may follow it.
  const created = async () => (await effectsFor(user.userId)).filter((e) => e.event_type === "task.created");
  await waitUntil(async () => (await created()).length > 0, "the instance's task.created", 30_000);
  const instances = await created();
  assert.equal(instances.length, 1);
  assert.equal(instances[0]!.source, "recurring-task-service");
});

test("state saved and read through the Dapr state API lands in Redis", async () => {
  const sidecar = `http://127.0.0.1:${daprPort("notification-service")}/v1.0/state/todo-statestore`;
  const key = `stack-test-${crypto.randomUUID()}`;
  const save = await fetch(sidecar, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify([{ key, value: { attempts: 2, status: "delivered" } }]),
  });
  assert.equal(save.status, 204);
  const read = await fetch(`${sidecar}/${key}`).then((r) => r.json());
  assert.deepEqual(read, { attempts: 2, status: "delivered" });
  assert.deepEqual(JSON.parse(await redisGet(`todo-statestore||${key}`)), {
    attempts: 2,
    status: "delivered",
  });
});

/** A task.created payload as our producers write it, for a user of the test's own. */
function taskCreatedPayload(userId: string, taskId: number) {
  return {
    event_id: crypto.randomUUID(),
    schema_version: 1,
    event_type: "task.created",
    task_id: taskId,
    user_id: userId,
    timestamp: new Date().toISOString(),
    source: "backend",
    sequence: 1,
    data: { task: sampleTask(userId, taskId, { title: `published by hand ${taskId}` }) },
  };
}

test("a raw message (metadata.rawPayload=true) published through daprd has its one effect", async () => {
  const userId = crypto.randomUUID();
  const payload = taskCreatedPayload(userId, 900_001);
  const sidecar = `http://127.0.0.1:${daprPort("backend")}`;
  const response = await fetch(
    `${sidecar}/v1.0/publish/task-pubsub/task-events?metadata.rawPayload=true&metadata.partitionKey=${userId}`,
    { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(payload) },
  );
  assert.equal(response.status, 204, await response.text());
  await waitUntil(async () => (await effectsFor(userId)).length === 1, "the raw message's effect");
  await new Promise((r) => setTimeout(r, 2000));
  assert.deepEqual(
    (await effectsFor(userId)).map((e) => e.event_id),
    [payload.event_id],
  );
});

test("a bulk publish (/v1.0-alpha1/publish/bulk) through daprd: each entry has its one effect", async () => {
  const userId = crypto.randomUUID();
  const [plain, ourCloudEvent] = [taskCreatedPayload(userId, 900_002), taskCreatedPayload(userId, 900_003)];
  const sidecar = `http://127.0.0.1:${daprPort("backend")}`;
  const response = await fetch(
    `${sidecar}/v1.0-alpha1/publish/bulk/task-pubsub/task-events?metadata.partitionKey=${userId}`,
    {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify([
        // Wrapped in a CloudEvent by the sidecar…
        { entryId: "plain", event: plain, contentType: "application/json" },
        // …or sent as the CloudEvent we made, as the relay publishes.
        {
          entryId: "cloudevent",
          event: {
            specversion: "1.0",
            id: ourCloudEvent.event_id,
            source: "backend",
            type: "task.created",
            time: ourCloudEvent.timestamp,
            datacontenttype: "application/json",
            data: ourCloudEvent,
          },
          contentType: "application/cloudevents+json",
        },
      ]),
    },
  );
  assert.ok(
    response.status === 200 || response.status === 204,
    `${response.status} ${await response.text()}`,
  );
  await waitUntil(async () => (await effectsFor(userId)).length === 2, "both entries' effects");
  await new Promise((r) => setTimeout(r, 2000));
  assert.deepEqual(
    (await effectsFor(userId)).map((e) => e.event_id).sort(),
    [plain.event_id, ourCloudEvent.event_id].sort(),
  );
});

test("the transport's bulk publish through daprd: an entry Kafka refuses (over maxMessageBytes) comes back by its entryId, the others go out once", async () => {
  const users = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
  const payloads = users.map((userId, i) => taskCreatedPayload(userId, 900_010 + i));
  // Over the component's maxMessageBytes (1 MiB), under the sidecar's request limit (4 MiB).
  (payloads[1]!.data.task as { description: string | null }).description = "x".repeat(1_200_000);
  const transport = createDaprTransport({ httpPort: daprPort("backend"), pubsubName: "task-pubsub" });
  const failed = await transport.publishBulk!(
    payloads.map((payload, i) => ({
      entryId: `entry-${i}`,
      topic: "task-events",
      partitionKey: payload.user_id,
      event: toCloudEvent(payload as Parameters<typeof toCloudEvent>[0]),
    })),
  );
  assert.deepEqual(
    failed.map((f) => f.entryId),
    ["entry-1"],
  );
  assert.match(failed[0]!.error, /too large|MaxMessageBytes|max/i);
  for (const i of [0, 2]) {
    await waitUntil(async () => (await effectsFor(users[i]!)).length === 1, `entry ${i}'s effect`);
  }
  await new Promise((r) => setTimeout(r, 2000));
  for (const i of [0, 2]) {
    assert.deepEqual(
      (await effectsFor(users[i]!)).map((e) => e.event_id),
      [payloads[i]!.event_id],
    );
  }
  assert.deepEqual(await effectsFor(users[1]!), [], "the refused entry never reached a subscriber");
});
