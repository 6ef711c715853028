// The benchmark's processes: the one-machine stack (infrastructure/stack's scripts, in a runtime
// dir of its own so that a concurrent `npm run test:stack` cannot delete it), our services beside
// their daprd sidecars, and helpers to time and measure them. Import this before the harness.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdirSync, openSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { stackPorts } from "../infrastructure/stack/test/ports.ts";

const run = promisify(execFile);
export const repoRoot = fileURLToPath(new URL("..", import.meta.url));
export const stackScripts = join(repoRoot, "infrastructure/stack");
// Outside the repository and world-traversable (PostgreSQL runs as its own OS user).
export const stackDir = process.env.BENCH_STACK_DIR ?? join(tmpdir(), "todo-bench-stack");
process.env.STACK_DIR = stackDir;
export const logDir = join(stackDir, "logs");

export const ports = stackPorts();

export type AppId = "backend" | "notification-service" | "recurring-task-service" | "audit-service";
const prefixes: Record<AppId, string> = {
  backend: "BACKEND",
  "notification-service": "NOTIFICATION",
  "recurring-task-service": "RECURRING",
  "audit-service": "AUDIT",
};
export const appPort = (app: AppId) => ports[`${prefixes[app]}_APP_PORT`]!;
export const daprPort = (app: AppId) => ports[`${prefixes[app]}_DAPR_HTTP_PORT`]!;
export const adminUrl = () => `postgres://todo@127.0.0.1:${ports.POSTGRES_PORT}/todo`;

export function log(message: string): void {
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

export async function script(name: string, ...args: string[]): Promise<string> {
  return scriptWithEnv({}, name, ...args);
}

/**
 * A stack script with variables of its own on top of this process's environment (e.g.
 * SIDECAR_REPLICA): given to that call alone, never set on process.env, where calls running at
 * the same time would see them.
 */
export async function scriptWithEnv(
  env: Record<string, string>,
  name: string,
  ...args: string[]
): Promise<string> {
  const { stdout } = await run("bash", [join(stackScripts, name), ...args], {
    env: { ...process.env, STACK_DIR: stackDir, ...env },
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

async function portOpen(port: number): Promise<boolean> {
  const { connect } = await import("node:net");
  return new Promise((resolve) => {
    const socket = connect({ port, host: "127.0.0.1" });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** The stack's ports are fixed: another stack (a `npm run test:stack`) may hold them for a while. */
export async function waitForFreePorts(timeoutMs: number): Promise<void> {
  const wanted = Object.entries(ports).filter(([k]) => !k.endsWith("_METRICS_PORT"));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const taken: string[] = [];
    for (const [name, port] of wanted) if (await portOpen(port)) taken.push(`${name}=${port}`);
    if (taken.length === 0) return;
    if (Date.now() > deadline) throw new Error(`ports still taken by another process: ${taken.join(", ")}`);
    log(`waiting for ports held by another stack: ${taken.join(", ")}`);
    await new Promise((r) => setTimeout(r, 10_000));
  }
}

export interface Service {
  name: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Spawns a process in its own process group, output appended to $STACK_DIR/logs/<name>.log. */
export function spawnService(
  name: string,
  command: string,
  args: string[],
  env: Record<string, string>,
): Service {
  mkdirSync(logDir, { recursive: true });
  const out = openSync(join(logDir, `${name}.log`), "a");
  const child = spawn(command, args, {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ["ignore", out, out],
    detached: true,
  });
  return {
    name,
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      try {
        process.kill(-child.pid!, "SIGTERM");
      } catch {}
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, "SIGKILL");
        } catch {}
      }, 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export async function waitForHttp(url: string, timeoutMs: number, service?: Service): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (service && service.child.exitCode !== null)
      throw new Error(`${service.name} exited before answering ${url}; see ${logDir}/${service.name}.log`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await response.body?.cancel();
      if (response.ok) return;
    } catch {}
    if (Date.now() > deadline) throw new Error(`no 200 from ${url} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function waitUntil(
  condition: () => Promise<boolean> | boolean,
  what: string,
  timeoutMs: number,
  intervalMs = 100,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      log(`gave up after ${timeoutMs} ms waiting for ${what}`);
      return false;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  return true;
}

/** Resident set size of one process, from /proc (Linux). */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return Math.round((kb / 1024) * 10) / 10;
}

/** Where a process's resident memory is, in MB: see {@link memoryBreakdown}. */
export interface MemoryBreakdown {
  /** Anonymous mappings of exactly 256 KiB: V8's heap pages (node is built without pointer compression, so each page is a mapping of its own). */
  v8Pages: number;
  /** Other anonymous memory and glibc's `[heap]`: malloc (buffers, external strings such as the bundle's source), thread stacks. */
  otherAnon: number;
  /** File-backed pages: the node binary (code, ICU data, V8's snapshot) and shared libraries. */
  files: number;
}

/**
 * A process's RSS split by kind of mapping, from /proc/<pid>/smaps (Linux); sampled from outside,
 * so the measured process runs exactly as deployed. The 256 KiB rule was checked against V8's own
 * `v8.getHeapStatistics().total_physical_size` in the backend: 26.7 against 29.5 MB at idle (its
 * large objects are mappings of other sizes); under load the pages V8 frees and has not returned yet
 * count here too.
 */
export function memoryBreakdown(pid: number): MemoryBreakdown {
  const kb = { v8Pages: 0, otherAnon: 0, files: 0 };
  let kind: keyof MemoryBreakdown = "files";
  for (const line of readFileSync(`/proc/${pid}/smaps`, "utf8").split("\n")) {
    const mapping = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (mapping) {
      const bytes = Number.parseInt(mapping[2]!, 16) - Number.parseInt(mapping[1]!, 16);
      const path = mapping[3]!;
      kind = path.startsWith("/") ? "files" : path === "" && bytes === 256 * 1024 ? "v8Pages" : "otherAnon";
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) kb[kind] += Number(rss[1]);
  }
  const mb = (n: number) => Math.round((n / 1024) * 10) / 10;
  return { v8Pages: mb(kb.v8Pages), otherAnon: mb(kb.otherAnon), files: mb(kb.files) };
}

/** {@link memoryBreakdown} as a note: "V8 heap pages 135.6 MB, other anonymous 31 MB, files 52 MB". */
export const breakdownNote = (b: MemoryBreakdown) =>
  `V8 heap pages ${b.v8Pages} MB, other anonymous (malloc, stacks) ${b.otherAnon} MB, file-backed (node binary, libraries) ${b.files} MB`;

/** CPU time (user + system) a process has used, in milliseconds (Linux /proc; 100 ticks a second). */
export function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0; // gone
  }
}

/**
 * Turns on track_commit_timestamp in the stack's PostgreSQL and restarts it (the stack scripts'
 * own helpers, so it runs as the postgres OS user): the recurring benchmark reads each instance's
 * commit time with pg_xact_commit_timestamp(xmin).
 */
export async function enableCommitTimestamps(): Promise<void> {
  await run("psql", [
    `postgres://postgres@127.0.0.1:${ports.POSTGRES_PORT}/postgres`,
    "-qc",
    "ALTER SYSTEM SET track_commit_timestamp = on",
  ]);
  await run(
    "bash",
    [
      "-c",
      'set -euo pipefail; source "$1/lib.sh"; as_pg "$PG_BIN/pg_ctl" -D "$STACK_DIR/postgres/data" -l "$LOG_DIR/postgres.log" -w -t 60 restart >/dev/null',
      "restart-postgres",
      stackScripts,
    ],
    { env: { ...process.env, STACK_DIR: stackDir } },
  );
}

export const sidecar = {
  start: (app: AppId) => script("sidecar.sh", "start", app),
  stop: (app: AppId) => script("sidecar.sh", "stop", app),
};
