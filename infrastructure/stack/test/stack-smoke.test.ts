// Stack smoke test: Kafka pub/sub, the Redis state store, Resiliency (retries, dead-lettering), and the
// cron binding, through real daprd sidecars, without our apps. Needs the stack: infrastructure/stack/up.sh, then
//   node --import tsx --test infrastructure/stack/test/stack-smoke.test.ts
// Latency figures are printed as diagnostics, never asserted.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import http from "node:http";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { stackPorts } from "./ports.ts";

const run = promisify(execFile);
const stackDir = fileURLToPath(new URL("..", import.meta.url));
const ports = stackPorts();

const publisher = `http://127.0.0.1:${ports.BACKEND_DAPR_HTTP_PORT}`;
const subscriberSidecar = `http://127.0.0.1:${ports.NOTIFICATION_DAPR_HTTP_PORT}`;
const runId = randomUUID();

type Delivery = { route: string; contentType: string; body: Record<string, unknown>; at: number };
const deliveries: Delivery[] = [];
const waiters = new Set<() => void>();
// Events whose id is listed here are answered DROP (they go to the dead-letter topic); those in
// retryIds are answered RETRY until they have been delivered that many times.
const poisonIds = new Set<string>();
const retryIds = new Map<string, number>();

// The app side of the notification-service sidecar: Dapr's callbacks as plain node:http routes.
const subscriber = http.createServer((req, res) => {
  if (req.method === "GET" && req.url === "/dapr/subscribe") {
    res.setHeader("content-type", "application/json");
    res.end(
      JSON.stringify([
        {
          pubsubname: "task-pubsub",
          topic: "task-events",
          routes: { default: "/task-events" },
          deadLetterTopic: "task-events-dlq",
        },
        { pubsubname: "task-pubsub", topic: "task-events-dlq", routes: { default: "/task-events-dlq" } },
      ]),
    );
    return;
  }
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const body = chunks.length > 0 ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : {};
    const delivery = {
      route: req.url ?? "",
      contentType: req.headers["content-type"] ?? "",
      body,
      at: performance.now(),
    };
    deliveries.push(delivery);
    for (const wake of waiters) wake();
    const id = String(body.id);
    const onMain = req.url === "/task-events";
    const seen = deliveries.filter((d) => d.route === "/task-events" && String(d.body.id) === id).length;
    const status =
      onMain && poisonIds.has(id) ? "DROP" : onMain && seen <= (retryIds.get(id) ?? 0) ? "RETRY" : "SUCCESS";
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ status }));
  });
});

function waitForDelivery(match: (d: Delivery) => boolean, timeoutMs: number): Promise<Delivery> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const found = deliveries.find(match);
      if (found) {
        waiters.delete(check);
        clearTimeout(timer);
        resolve(found);
      }
    };
    const timer = setTimeout(() => {
      waiters.delete(check);
      reject(new Error(`no matching delivery within ${timeoutMs}ms`));
    }, timeoutMs);
    waiters.add(check);
    check();
  });
}

function taskEvent(userId: string, extra: Record<string, unknown> = {}) {
  const eventId = randomUUID();
  return {
    specversion: "1.0",
    id: eventId,
    source: "backend",
    type: "task.created",
    datacontenttype: "application/json",
    data: {
      event_id: eventId,
      event_type: "task.created",
      schema_version: 1,
      task_id: 42,
      user_id: userId,
      timestamp: new Date().toISOString(),
      source: "backend",
      data: { title: "Buy milk", run_id: runId, ...extra },
    },
  };
}

async function publish(event: ReturnType<typeof taskEvent>): Promise<void> {
  const res = await fetch(
    `${publisher}/v1.0/publish/task-pubsub/task-events?metadata.partitionKey=${event.data.user_id}`,
    {
      method: "POST",
      headers: { "content-type": "application/cloudevents+json" },
      body: JSON.stringify(event),
    },
  );
  assert.equal(res.status, 204, `publish failed: ${res.status} ${await res.text()}`);
}

function percentiles(samples: number[]): string {
  const s = [...samples].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!.toFixed(1);
  return `n=${s.length} p50=${at(50)}ms p95=${at(95)}ms p99=${at(99)}ms max=${s.at(-1)!.toFixed(1)}ms`;
}

const sidecar = (...args: string[]) => run("bash", [`${stackDir}/sidecar.sh`, ...args]);

before(async () => {
  await run("bash", [`${stackDir}/status.sh`]).catch((e: { stdout?: string }) => {
    throw new Error(`the stack is not up; run infrastructure/stack/up.sh\n${e.stdout ?? ""}`);
  });
  await new Promise<void>((resolve) => subscriber.listen(ports.NOTIFICATION_APP_PORT, "127.0.0.1", resolve));
  // The publisher needs no app: a sidecar without --app-port serves its API and delivers nothing.
  await Promise.all([sidecar("start", "notification-service"), sidecar("start", "backend", "--no-app")]);
});

after(async () => {
  await Promise.allSettled(
    ["notification-service", "backend", "recurring-task-service"].map((id) => sidecar("stop", id)),
  );
  subscriber.close();
});

test("an event published through one sidecar reaches the other app with its fields intact", async (t) => {
  const event = taskEvent("user-smoke-1");
  await publish(event);
  const got = await waitForDelivery((d) => d.route === "/task-events" && d.body.id === event.id, 30_000);

  // Dapr hands the HTTP app the whole CloudEvent (our id/type/source kept, its own fields added),
  // not only `data`; our payload sits unchanged under `data`.
  assert.match(got.contentType, /^application\/cloudevents\+json/);
  assert.equal(got.body.type, "task.created");
  assert.equal(got.body.source, "backend");
  assert.equal(got.body.topic, "task-events");
  assert.equal(got.body.pubsubname, "task-pubsub");
  assert.deepEqual(got.body.data, event.data);
  t.diagnostic(`subscriber content-type: ${got.contentType}`);
  t.diagnostic(`envelope keys: ${Object.keys(got.body).sort().join(", ")}`);
});

test("state saved through a sidecar reads back and lands in Redis", async (_t) => {
  const key = `smoke-${runId}`;
  const value = { runId, n: 1, tags: ["a", "b"] };
  const save = await fetch(`${subscriberSidecar}/v1.0/state/todo-statestore`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify([{ key, value }]),
  });
  assert.equal(save.status, 204, await save.text());
  const get = await fetch(`${subscriberSidecar}/v1.0/state/todo-statestore/${key}`);
  assert.equal(get.status, 200);
  assert.deepEqual(await get.json(), value);

  // Dapr's Redis layout: a hash per key named "<store name>||<key>" (keyPrefix: name), the value in its "data" field.
  const { stdout } = await run("redis-cli", [
    "-h",
    "127.0.0.1",
    "-p",
    String(ports.REDIS_PORT),
    "HGET",
    `todo-statestore||${key}`,
    "data",
  ]);
  assert.deepEqual(JSON.parse(stdout), value);

  // The backend's sidecar reads the same key (the deliveries route runs in the backend).
  const viaBackend = await fetch(`${publisher}/v1.0/state/todo-statestore/${key}`);
  assert.deepEqual(await viaBackend.json(), value);
});

test("latency: publish -> delivery, and state save/get (reported, not asserted)", async (t) => {
  const publishMs: number[] = [];
  const endToEndMs: number[] = [];
  for (let i = 0; i < 200; i++) {
    const event = taskEvent(`user-latency-${i % 12}`, { seq: i });
    const start = performance.now();
    await publish(event);
    publishMs.push(performance.now() - start);
    const got = await waitForDelivery((d) => d.body.id === event.id, 30_000);
    endToEndMs.push(got.at - start);
  }
  const saveMs: number[] = [];
  const getMs: number[] = [];
  for (let i = 0; i < 200; i++) {
    const key = `latency-${runId}-${i}`;
    let start = performance.now();
    const save = await fetch(`${subscriberSidecar}/v1.0/state/todo-statestore`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify([{ key, value: { i } }]),
    });
    await save.arrayBuffer();
    saveMs.push(performance.now() - start);
    start = performance.now();
    const get = await fetch(`${subscriberSidecar}/v1.0/state/todo-statestore/${key}`);
    await get.arrayBuffer();
    getMs.push(performance.now() - start);
  }
  t.diagnostic(`publish HTTP call:          ${percentiles(publishMs)}`);
  t.diagnostic(`publish -> app delivery:    ${percentiles(endToEndMs)}`);
  t.diagnostic(`state save (1 key):         ${percentiles(saveMs)}`);
  t.diagnostic(`state get:                  ${percentiles(getMs)}`);
});

test("a handler that answers DROP sends the event to the dead-letter topic at once", async (t) => {
  const event = taskEvent("user-poison");
  poisonIds.add(event.id);
  const start = performance.now();
  await publish(event);
  const dead = await waitForDelivery((d) => d.route === "/task-events-dlq" && d.body.id === event.id, 90_000);
  assert.deepEqual(dead.body.data, event.data);
  t.diagnostic(`dropped event dead-lettered after ${(dead.at - start).toFixed(0)}ms`);
});

test("a handler that answers RETRY gets the event again until it takes it, past any count: never dead-lettered", async (t) => {
  // resiliency.yaml's pubsubInbound retries without end (maxRetries -1): 8 refusals are more than
  // the 5 retries that used to send the event to the dead-letter topic while its subscriber was
  // restarting or had no database (found by npm run soak).
  const event = taskEvent("user-retry");
  retryIds.set(event.id, 8);
  const start = performance.now();
  await publish(event);
  const attempts = () => deliveries.filter((d) => d.route === "/task-events" && d.body.id === event.id);
  await waitForDelivery((d) => d.body.id === event.id && attempts().length > 8, 120_000);
  const taken = attempts()[8]!;
  assert.equal(
    deliveries.some((d) => d.route === "/task-events-dlq" && d.body.id === event.id),
    false,
    "not dead-lettered",
  );
  t.diagnostic(`refused 8 times, taken after ${(taken.at - start).toFixed(0)}ms`);
});

test("the cron binding calls /recurring-task-cron on the recurring-task service", async (t) => {
  const ticks: number[] = [];
  // Like Fastify, the app answers 404 to OPTIONS. daprd probes the route with OPTIONS and drops
  // the binding on a 404 unless the component says `direction: input`, as binding-cron.yaml does.
  const app = http.createServer((req, res) => {
    const tick = req.url === "/recurring-task-cron" && req.method === "POST";
    if (tick) ticks.push(performance.now());
    res.statusCode = tick ? 200 : 404;
    res.end();
  });
  await new Promise<void>((resolve) => app.listen(ports.RECURRING_APP_PORT, "127.0.0.1", resolve));
  t.after(() => app.close());
  await sidecar("start", "recurring-task-service");
  const deadline = Date.now() + 15_000;
  while (ticks.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  await sidecar("stop", "recurring-task-service");
  assert.ok(ticks.length >= 3, `expected 3 ticks within 15s, got ${ticks.length}`);
  const gaps = ticks.slice(1).map((at, i) => (at - ticks[i]!).toFixed(0));
  t.diagnostic(`cron ticks ${gaps.join("ms, ")}ms apart`);
});
