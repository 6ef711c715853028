// Time from `npm start`'s process start to the first 200 on /healthz (and /readyz), on a fresh
// data dir and on a second start of the same one.
//   node --import tsx bench/startup.ts
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { recordRows } from "./report.ts";

const root = new URL("..", import.meta.url).pathname;

async function timeStart(dataDir: string, port: number): Promise<{ healthz: number; readyz: number }> {
  const started = performance.now();
  const child = spawn("npm", ["start", "--silent"], {
    cwd: root,
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: "warn" },
    stdio: "ignore",
    detached: true,
  });
  const until = async (path: string) => {
    for (;;) {
      try {
        if ((await fetch(`http://127.0.0.1:${port}${path}`)).ok) return performance.now() - started;
      } catch {}
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const healthz = await until("/healthz");
  const readyz = await until("/readyz");
  process.kill(-child.pid!, "SIGTERM");
  await new Promise((r) => child.once("exit", r));
  return { healthz: Math.round(healthz), readyz: Math.round(readyz) };
}

const dataDir = await mkdtemp(join(tmpdir(), "bench-startup-"));
const fresh = await timeStart(dataDir, 3901);
const second = await timeStart(dataDir, 3901);
await rm(dataDir, { recursive: true, force: true });
console.log(`fresh data dir: /healthz after ${fresh.healthz} ms; second start: ${second.healthz} ms`);
const command = "node --import tsx bench/startup.ts";
await recordRows([
  {
    name: "npm_start_fresh_ms",
    value: fresh.healthz,
    unit: "ms",
    goal: "",
    meets: null,
    mode: "embedded",
    command,
    note: "npm start → /healthz 200, empty data dir (migrations included)",
  },
  {
    name: "npm_start_second_ms",
    value: second.healthz,
    unit: "ms",
    goal: "",
    meets: null,
    mode: "embedded",
    command,
    note: "npm start → /healthz 200, existing data dir",
  },
]);
