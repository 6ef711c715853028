// Commit → live stream delay in the embedded mode: N tasks created through HTTP while an SSE
// client listens; the delay is from the event's timestamp (written inside the committing
// transaction) to the moment the client reads it.
//   node --import tsx bench/sse-latency.ts [count]
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildBackend } from "../packages/api/src/index.ts";
import { migrateToLatest, openDatabase } from "../packages/db/src/index.ts";
import { OutboxFeed } from "../packages/events/src/index.ts";
import { createRegistry } from "../packages/server/src/index.ts";
import { recordRows, summarize } from "./report.ts";

const count = Number(process.argv[2] ?? 1000);
const dataDir = await mkdtemp(join(tmpdir(), "bench-sse-"));
const database = await openDatabase({ kind: "pglite", dataDir });
await migrateToLatest(database.db);
const feed = new OutboxFeed(database);
await feed.start();
const { app } = await buildBackend({
  registry: createRegistry("bench"),
  database,
  feed,
  authSecret: "benchmark-secret-benchmark-secret-123",
  publicUrl: "http://localhost",
  signInLimitPerMinute: 1000,
  logger: false,
});
await app.listen({ port: 0, host: "127.0.0.1" });
const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;

const signUp = await fetch(`${base}/api/auth/sign-up/email`, {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ email: "bench@example.com", password: "benchmark-password", name: "Bench" }),
}).then((r) => r.json() as Promise<{ token: string; user: { id: string } }>);
const auth = { authorization: `Bearer ${signUp.token}` };

const delays: number[] = [];
const controller = new AbortController();
const stream = await fetch(`${base}/api/${signUp.user.id}/events/stream`, {
  headers: auth,
  signal: controller.signal,
});
const reading = (async () => {
  const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  while (delays.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end = buffer.indexOf("\n\n");
    while (end !== -1) {
      const data = buffer
        .slice(0, end)
        .split("\n")
        .find((l) => l.startsWith("data: "));
      buffer = buffer.slice(end + 2);
      if (data) delays.push(Date.now() - Date.parse(JSON.parse(data.slice(6)).timestamp));
      end = buffer.indexOf("\n\n");
    }
  }
})();

for (let i = 0; i < count; i++) {
  const response = await fetch(`${base}/api/${signUp.user.id}/tasks`, {
    method: "POST",
    headers: { ...auth, "content-type": "application/json" },
    body: JSON.stringify({ title: `task ${i}` }),
  });
  if (response.status !== 201) throw new Error(`create failed: ${response.status}`);
  await response.arrayBuffer();
}
await Promise.race([reading, new Promise((r) => setTimeout(r, 30_000))]);
controller.abort();
const stats = summarize(delays);
console.log(
  `events: ${stats.count}/${count}  p50: ${stats.p50} ms  p99: ${stats.p99} ms  max: ${stats.max} ms`,
);
const command = `node --import tsx bench/sse-latency.ts ${count}`;
await recordRows([
  {
    name: "sse_latency_p50_ms",
    value: stats.p50,
    unit: "ms",
    goal: "",
    meets: null,
    mode: "embedded",
    command,
  },
  {
    name: "sse_latency_p99_ms",
    value: stats.p99,
    unit: "ms",
    goal: "",
    meets: null,
    mode: "embedded",
    command,
  },
]);
await app.close();
await feed.stop();
await database.close();
await rm(dataDir, { recursive: true, force: true });
if (stats.count < count) process.exit(1);
