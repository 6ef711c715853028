// One user's catch-up must not stall everyone: `npm start` (embedded, PGlite) with five
// `* * * * *` templates whose catch_up is `all` from 200 minutes ago (5 × 201 instances to create),
// restarted with that work pending; then, while it catches up, another user lists tasks and a
// probe polls /healthz, both paced (open loop). Reports the restart's time to /healthz, the other
// user's p99, /healthz's p99, and how long the catch-up took.
// With `latest` as the second argument the templates create only their latest missed instance:
// the same load without the catch-up, to compare on a machine whose load moves the figures.
//   node --import tsx bench/recurring-catch-up.ts [seconds=30] [all|latest]
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { recordRows, summarize } from "./report.ts";

const seconds = Number(process.argv[2] ?? 30);
const policy = process.argv[3] === "latest" ? "latest" : "all";
const expected = policy === "all" ? 5 * 201 : 5;
const root = new URL("..", import.meta.url).pathname;
const port = 3907;
const base = `http://127.0.0.1:${port}`;
const dataDir = await mkdtemp(join(tmpdir(), "bench-catch-up-"));

function start(): { child: ChildProcess; started: number } {
  const started = performance.now();
  // The server itself (what `npm start` runs), so its exit is the server's: a restart never races a closing one.
  const child = spawn(process.execPath, ["--import", "tsx", "apps/embedded/src/main.ts"], {
    cwd: root,
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: "warn", PUBLIC_URL: base },
    stdio: "ignore",
    detached: true,
  });
  return { child, started };
}
async function untilHealthy(started: number): Promise<number> {
  for (;;) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) return performance.now() - started;
    } catch {}
    await new Promise((r) => setTimeout(r, 20));
  }
}
async function stop(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  process.kill(-child.pid!, "SIGTERM");
  await exited;
}
async function signUp(name: string) {
  const response = await fetch(`${base}/api/auth/sign-up/email`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: `${name}-${Date.now()}@example.com`, password: "a long password", name }),
  });
  if (!response.ok) throw new Error(`sign-up: ${response.status}`);
  const body = (await response.json()) as { token: string; user: { id: string } };
  return { id: body.user.id, token: body.token };
}
const call = (user: { id: string; token: string }, method: string, path: string, body?: unknown) =>
  fetch(`${base}/api/${user.id}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${user.token}`,
      ...(body ? { "content-type": "application/json" } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });

/** Paced requests (`perSecond`) for `ms`; each one's latency, failures counted. */
async function paced(perSecond: number, ms: number, request: () => Promise<Response>) {
  const latencies: number[] = [];
  let failed = 0;
  const pending: Promise<void>[] = [];
  const until = performance.now() + ms;
  for (let next = performance.now(); next < until; next += 1000 / perSecond) {
    const wait = next - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const sent = performance.now();
    pending.push(
      request().then(
        async (r) => {
          await r.arrayBuffer();
          if (r.ok) latencies.push(performance.now() - sent);
          else failed += 1;
        },
        () => {
          failed += 1;
        },
      ),
    );
  }
  await Promise.all(pending);
  return { ...summarize(latencies), failed };
}

let server = start();
process.on("exit", () => {
  if (server.child.exitCode === null) process.kill(-server.child.pid!, "SIGKILL");
});
await untilHealthy(server.started);
const busy = await signUp("busy");
const other = await signUp("other");
for (let i = 0; i < 20; i++) await call(other, "POST", "/tasks", { title: `Other's task ${i}` });
// Created and the process stopped before its first tick: the catch-up is pending at the restart.
await stop(server.child);
server = start();
await untilHealthy(server.started);
const anchor = new Date(Math.floor((Date.now() - 200 * 60_000) / 60_000) * 60_000).toISOString();
for (let i = 0; i < 5; i++) {
  const r = await call(busy, "POST", "/recurring-tasks", {
    template_title: `Every minute ${i}`,
    recurrence_pattern: "custom",
    cron_expression: "* * * * *",
    next_occurrence: anchor,
    catch_up: policy,
  });
  if (r.status !== 201) throw new Error(`template: ${r.status} ${await r.text()}`);
}
await stop(server.child);

server = start();
const restartMs = await untilHealthy(server.started);
const catchUpStarted = performance.now();
let caughtUpMs = Number.NaN;
const watcher = (async () => {
  for (;;) {
    const r = await call(busy, "GET", "/tasks?limit=1");
    const body = (await r.json()) as { page?: { total?: number } };
    if ((body.page?.total ?? 0) >= expected) {
      caughtUpMs = performance.now() - catchUpStarted;
      return;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
})();
const [list, health] = await Promise.all([
  paced(20, seconds * 1000, () => call(other, "GET", "/tasks?limit=50")),
  paced(10, seconds * 1000, () => fetch(`${base}/healthz`)),
]);
await Promise.race([watcher, new Promise((r) => setTimeout(r, 60_000))]);
await stop(server.child);
await rm(dataDir, { recursive: true, force: true });

console.log(
  `restart → /healthz ${Math.round(restartMs)} ms; other user's list p50 ${list.p50.toFixed(1)} / p99 ${list.p99.toFixed(1)} ms (${list.count} ok, ${list.failed} failed); /healthz p50 ${health.p50.toFixed(1)} / p99 ${health.p99.toFixed(1)} ms; ${expected} instances in ${Math.round(caughtUpMs)} ms`,
);
const command = `node --import tsx bench/recurring-catch-up.ts ${seconds} ${policy}`;
const note = `five * * * * * templates, catch_up ${policy} from 200 min ago (${expected} instances), pending at a restart of npm start; other user's GET /tasks at 20/s and /healthz at 10/s for ${seconds} s from ready; catch-up done in ${Math.round(caughtUpMs)} ms; ${list.failed + health.failed} failed`;
const row = (name: string, value: number, goal: string) => ({
  name,
  value: Number(value.toFixed(1)),
  unit: "ms",
  goal,
  meets: goal ? (goal.startsWith("<=") ? value <= Number(goal.slice(3)) : null) : null,
  mode: "embedded" as const,
  command,
  note,
});
const prefix = policy === "all" ? "catch_up" : "catch_up_baseline";
await recordRows([
  row(`${prefix}_other_user_list_p99_ms`, list.p99, policy === "all" ? "<= 200" : ""),
  row(`${prefix}_healthz_p99_ms`, health.p99, policy === "all" ? "<= 50" : ""),
  row(`${prefix}_restart_ready_ms`, restartMs, ""),
]);
