// The soak's processes and the faults done to them: our four services (the bundles the images run)
// beside their daprd sidecars on infrastructure/stack, a second replica of any of them, and
// PostgreSQL, Kafka and Redis stopped and started through the stack's scripts.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { secret } from "../distributed.ts";
import { stackAppApiToken } from "../notification-service.ts";
import { bundle, imageEnvironment } from "../services.ts";
import {
  appPort,
  daprPort,
  log,
  ports,
  type Service,
  script,
  scriptWithEnv,
  spawnService,
  stackDir,
} from "../stack.ts";
import type { App, Infrastructure } from "./schedule.ts";
import { apps } from "./schedule.ts";

/** Ports of replica n are the plan's + n * 50 (infrastructure/stack/sidecar.sh's SIDECAR_REPLICA). */
export const replicaShift = 50;
export const soakDatabaseUrl = `postgres://todo@127.0.0.1:${ports.POSTGRES_PORT}/soak`;

const entries = new Map<App, string>();
/** Running app processes by `<app>#<replica>`. */
const running = new Map<string, Service>();
/** Processes the soak is stopping or killing on purpose: their exit is expected. */
const expected = new WeakSet<Service>();

/** A service that ended without being told to (the soak started it again, as a pod would be). */
export interface UnexpectedExit {
  app: App;
  replica: number;
  at: number;
  code: number | null;
  signal: string | null;
}
export const unexpectedExits: UnexpectedExit[] = [];
let supervising = true;
const keyOf = (app: App, replica: number) => `${app}#${replica}`;
/**
 * The replicas that have answered /healthz and not exited since: what a Service routes to (its
 * ready endpoints). A replica that is still starting gets no calls.
 */
const ready = new Set<string>();

/** Bundles each service once (apps/Dockerfile's build), so a restart takes what a pod's would. */
export async function bundleAll(): Promise<void> {
  for (const app of apps) entries.set(app, await bundle(app));
}

function appEnvironment(app: App, replica: number): Record<string, string> {
  const shift = replica * replicaShift;
  const common: Record<string, string> = {
    ...imageEnvironment(entries.get(app)!),
    HOST: "127.0.0.1",
    LOG_LEVEL: "warn",
    DATABASE_URL: soakDatabaseUrl,
    PORT: String(appPort(app) + shift),
    DAPR_HTTP_PORT: String(daprPort(app) + shift),
  };
  if (app === "backend")
    return {
      ...common,
      BETTER_AUTH_SECRET: secret,
      AUTH_SIGN_IN_LIMIT_PER_MINUTE: "1000",
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: "true",
    };
  if (app === "notification-service")
    return { ...common, APP_API_TOKEN: stackAppApiToken(), WEBHOOK_ALLOW_PRIVATE_NETWORKS: "true" };
  return common;
}

export const appUrl = (app: App, replica = 0) => `http://127.0.0.1:${appPort(app) + replica * replicaShift}`;

/**
 * Starts one replica of an app and waits until /healthz answers; a process that exits first (its
 * database is down, say) is started again every second, as a pod's restart policy would, for up
 * to `timeoutMs`.
 */
export async function startApp(app: App, replica = 0, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const name = replica === 0 ? `app-${app}` : `app-${app}-${replica}`;
    const service = spawnService(name, process.execPath, [entries.get(app)!], appEnvironment(app, replica));
    running.set(keyOf(app, replica), service);
    let healthy = false;
    service.child.once("exit", (code, signal) => {
      if (running.get(keyOf(app, replica)) === service) ready.delete(keyOf(app, replica));
      // An exit before /healthz answered is this loop's to retry (a start while PostgreSQL is
      // down fails, as a pod's would); after, it is a crash: counted, and the app started again.
      if (!healthy || expected.has(service) || !supervising) return;
      log(`${name} exited on its own (code ${code}, signal ${signal}); starting it again`);
      unexpectedExits.push({ app, replica, at: Date.now(), code, signal });
      if (running.get(keyOf(app, replica)) === service)
        startApp(app, replica).catch((error) => log(`${name} could not be started again: ${error}`));
    });
    for (;;) {
      if (service.child.exitCode !== null || service.child.signalCode !== null) break;
      try {
        const response = await fetch(`${appUrl(app, replica)}/healthz`, {
          signal: AbortSignal.timeout(1000),
        });
        await response.body?.cancel();
        if (response.ok) {
          healthy = true;
          ready.add(keyOf(app, replica));
          return;
        }
      } catch {}
      if (Date.now() > deadline) throw new Error(`${name} did not answer /healthz within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
    if (Date.now() > deadline) throw new Error(`${name} kept exiting; see ${stackDir}/logs/${name}.log`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

const sidecarName = (app: App, replica: number) =>
  replica === 0 ? `daprd-${app}` : `daprd-${app}-${replica}`;

/**
 * sidecar.sh start|stop for the app's replica, SIDECAR_REPLICA given to that call alone: set on
 * process.env across the call, it was seen by calls for other apps running at the same time (a
 * sidecar restarted during a replica fault came up as replica 1 and waited for an app that was
 * not there).
 */
async function sidecarScript(command: "start" | "stop", app: App, replica: number): Promise<void> {
  await scriptWithEnv({ SIDECAR_REPLICA: String(replica) }, "sidecar.sh", command, app);
}

/**
 * Starts the app's sidecar, again every 2 s while it exits at once (daprd ends when a component
 * cannot initialise, e.g. Kafka still starting), as a pod's restart policy would; up to `timeoutMs`.
 */
export async function startSidecar(app: App, replica = 0, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await sidecarScript("start", app, replica);
    } catch (error) {
      if (Date.now() > deadline) throw error;
      log(`${sidecarName(app, replica)} did not start; trying again`);
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
}

function sidecarPid(app: App, replica: number): number | undefined {
  try {
    return Number(readFileSync(join(stackDir, "pids", `${sidecarName(app, replica)}.pid`), "utf8").trim());
  } catch {
    return undefined;
  }
}

const appPid = (app: App, replica = 0) => running.get(keyOf(app, replica))?.child.pid;

function signal(pid: number | undefined, sig: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(pid, sig);
  } catch {}
}

/** SIGKILL: the process gets no chance to finish anything (a pod killed mid-transaction). */
export async function killApp(app: App, replica = 0): Promise<void> {
  const service = running.get(keyOf(app, replica));
  if (!service) return;
  expected.add(service);
  const exited = new Promise((r) =>
    service.child.exitCode !== null ? r(null) : service.child.once("exit", r),
  );
  signal(service.child.pid, "SIGKILL");
  await exited;
  running.delete(keyOf(app, replica));
}

export async function killSidecar(app: App, replica = 0): Promise<void> {
  const pid = sidecarPid(app, replica);
  signal(pid, "SIGKILL");
  while (pid !== undefined && alive(pid)) await new Promise((r) => setTimeout(r, 50));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie (killed, not yet reaped by its parent) counts as gone.
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, "utf8"));
  } catch {
    return false;
  }
}

/** SIGSTOP or SIGCONT the app's process or its sidecar (a long GC pause, a frozen node). */
export function pause(app: App, sidecar: boolean, sig: "SIGSTOP" | "SIGCONT"): void {
  signal(sidecar ? sidecarPid(app, 0) : appPid(app), sig);
}

export async function stopReplica(app: App, replica: number): Promise<void> {
  ready.delete(keyOf(app, replica)); // out of the endpoints first, as a pod being stopped is
  await sidecarScript("stop", app, replica);
  const service = running.get(keyOf(app, replica));
  if (service) expected.add(service);
  await service?.stop();
  running.delete(keyOf(app, replica));
}

export const stopInfrastructure = (part: Infrastructure) => script("down.sh", part);
export const startInfrastructure = (part: Infrastructure) => script("up.sh", part);

/**
 * The backends a call may go to: the ready replicas, as a Service routes; with none ready (the one
 * backend killed or starting), the first, so the call meets the outage as a client would.
 */
export function backendUrls(): string[] {
  const urls = [0, 1].filter((r) => ready.has(keyOf("backend", r))).map((r) => appUrl("backend", r));
  return urls.length > 0 ? urls : [appUrl("backend", 0)];
}

/** Creates the soak's database (dropping an earlier run's) and migrates it. */
export async function createSoakDatabase(): Promise<void> {
  const admin = new pg.Client({ connectionString: `postgres://todo@127.0.0.1:${ports.POSTGRES_PORT}/todo` });
  await admin.connect();
  await admin.query("DROP DATABASE IF EXISTS soak");
  await admin.query("CREATE DATABASE soak");
  await admin.end();
  const { migrateToLatest, openDatabase } = await import("@todo/db");
  const handle = await openDatabase({ kind: "postgres", url: soakDatabaseUrl, poolSize: 1 });
  await migrateToLatest(handle.db);
  await handle.close();
}

/** Every service beside its sidecar, the backend first (the others call nothing at start). */
export async function startAll(): Promise<void> {
  for (const app of apps) {
    await startApp(app);
    await startSidecar(app);
    log(`${app} and its sidecar are up`);
  }
}

export async function stopAll(): Promise<void> {
  supervising = false;
  for (const app of [...apps].reverse())
    for (const replica of [1, 0]) await sidecarScript("stop", app, replica).catch(() => {});
  for (const [key, service] of [...running.entries()].reverse()) {
    signal(service.child.pid, "SIGCONT");
    await service.stop();
    running.delete(key);
  }
}
