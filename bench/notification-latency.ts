// Task commit → webhook receipt in the embedded mode: N tasks completed one after another through
// HTTP, each completion's webhook awaited by a loopback receiver. The delay runs from the event's
// timestamp (taken inside the committing transaction) to the moment the receiver reads the body.
//   node --import tsx bench/notification-latency.ts [count]
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildBackend } from "../packages/api/src/index.ts";
import { migrateToLatest, openDatabase } from "../packages/db/src/index.ts";
import { createMemoryStateStore, createOutboxDriver, OutboxFeed } from "../packages/events/src/index.ts";
import { createNotificationService } from "../packages/notifications/src/index.ts";
import { createRegistry, silentLog } from "../packages/server/src/index.ts";
import { meetsGoal, recordRows, summarize } from "./report.ts";

const count = Number(process.argv[2] ?? 200);
const dataDir = await mkdtemp(join(tmpdir(), "bench-notify-"));
const database = await openDatabase({ kind: "pglite", dataDir });
await migrateToLatest(database.db);

// The same parts as apps/embedded/src/main.ts; loopback webhooks need private networks allowed.
const registry = createRegistry("bench");
const feed = new OutboxFeed(database);
const notifications = createNotificationService({
  database,
  stateStore: createMemoryStateStore(),
  config: { email: null, push: null, webhooks: { allowPrivateNetworks: true, timeoutMs: 10_000 } },
  registry,
  log: silentLog,
});
const { app } = await buildBackend({
  registry,
  database,
  feed,
  authSecret: "benchmark-secret-benchmark-secret-123",
  publicUrl: "http://localhost",
  signInLimitPerMinute: 1000,
  logger: false,
  plugins: [notifications.plugin],
});
const relay = createOutboxDriver({
  database,
  subscriptions: notifications.subscriptions,
  log: silentLog,
  registry,
});
await feed.start();
await relay.start();
await notifications.start();
await app.listen({ port: 0, host: "127.0.0.1" });
const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;

const delays: number[] = [];
let arrived: (() => void) | undefined;
const receiver = createServer((req, res) => {
  let body = "";
  req.on("data", (chunk) => (body += chunk));
  req.on("end", () => {
    const receivedAt = Date.now();
    const event = JSON.parse(body) as { type: string; data: { timestamp: string } };
    if (event.type === "task.completed") delays.push(receivedAt - Date.parse(event.data.timestamp));
    res.writeHead(204).end();
    arrived?.();
  });
});
await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
const hookUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;

const json = { "content-type": "application/json" };
const signUp = await fetch(`${base}/api/auth/sign-up/email`, {
  method: "POST",
  headers: json,
  body: JSON.stringify({ email: "bench@example.com", password: "benchmark-password", name: "Bench" }),
}).then((r) => r.json() as Promise<{ token: string; user: { id: string } }>);
const auth = { authorization: `Bearer ${signUp.token}` };
const api = `${base}/api/${signUp.user.id}`;
const hook = await fetch(`${api}/webhooks`, {
  method: "POST",
  headers: { ...auth, ...json },
  body: JSON.stringify({ url: hookUrl, event_types: ["task.completed"] }),
});
if (hook.status !== 201) throw new Error(`webhook creation failed: ${hook.status} ${await hook.text()}`);

for (let i = 0; i < count; i++) {
  const created = await fetch(`${api}/tasks`, {
    method: "POST",
    headers: { ...auth, ...json },
    body: JSON.stringify({ title: `task ${i}` }),
  }).then((r) => r.json() as Promise<{ id: number }>);
  const received = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no webhook for completion ${i} within 30 s`)), 30_000);
    arrived = () => {
      clearTimeout(timer);
      resolve();
    };
  });
  const done = await fetch(`${api}/tasks/${created.id}/complete`, { method: "PATCH", headers: auth });
  if (done.status !== 200) throw new Error(`complete failed: ${done.status}`);
  await done.arrayBuffer();
  await received;
}

const stats = summarize(delays);
console.log(
  `webhooks: ${stats.count}/${count}  p50: ${stats.p50} ms  p99: ${stats.p99} ms  max: ${stats.max} ms`,
);
const command = `node --import tsx bench/notification-latency.ts ${count}`;
const note = "task commit → signed webhook received on loopback; completions one at a time";
await recordRows([
  {
    name: "notification_latency_p50_ms",
    value: stats.p50,
    unit: "ms",
    goal: "",
    meets: null,
    mode: "embedded",
    command,
    note,
  },
  {
    name: "notification_latency_p99_ms",
    value: stats.p99,
    unit: "ms",
    goal: "<= 1000",
    meets: meetsGoal(stats.p99, "<= 1000"),
    mode: "embedded",
    command,
    note,
  },
]);
await app.close();
await notifications.stop();
await relay.stop();
await feed.stop();
receiver.close();
await database.close();
await rm(dataDir, { recursive: true, force: true });
if (stats.count < count) process.exit(1);
