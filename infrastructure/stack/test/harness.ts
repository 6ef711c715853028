// Starts our services beside real daprd sidecars on the stack that up.sh brought up, for the
// end-to-end tests. Each app runs as its own process, logging into $STACK_DIR/logs/app-*.log.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { chmodSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { migrateToLatest, openDatabase } from "@todo/db";
import pg from "pg";
import { stackPorts } from "./ports.ts";

const run = promisify(execFile);
export const stackSrc = fileURLToPath(new URL("..", import.meta.url));
export const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));
export const stackDir = process.env.STACK_DIR ?? `${repoRoot}.stack`;

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

/** A fresh, migrated database on the stack's PostgreSQL for this run. */
export async function createRunDatabase(): Promise<string> {
  const admin = `postgres://todo@127.0.0.1:${ports.POSTGRES_PORT}/todo`;
  const name = `stack_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const url = `postgres://todo@127.0.0.1:${ports.POSTGRES_PORT}/${name}`;
  const handle = await openDatabase({ kind: "postgres", url, poolSize: 1 });
  await migrateToLatest(handle.db);
  await handle.close();
  return url;
}

export interface RunningApp {
  app: AppId;
  child: ChildProcess;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** The credentials the services read from the secret store, never from their environment. */
export const credentialVariables = [
  "DATABASE_URL",
  "BETTER_AUTH_SECRET",
  "SMTP_URL",
  "VAPID_PUBLIC_KEY",
  "VAPID_PRIVATE_KEY",
  "APP_API_TOKEN",
] as const;
export type Credentials = Partial<Record<(typeof credentialVariables)[number], string>>;

const secretsFile = () => `${stackDir}/secrets.json`;

/** The services' secret (todo-secrets) in the file up.sh wrote, as the local secret store serves it. */
export function readStackSecrets(): Credentials {
  return JSON.parse(readFileSync(secretsFile(), "utf8"))["todo-secrets"] ?? {};
}

/**
 * Sets this run's credentials in the file secret store (the values given replace those up.sh
 * made). The store reads the file when a sidecar starts: call this before starting them.
 */
export function useStackSecrets(values: Credentials): void {
  const all = JSON.parse(readFileSync(secretsFile(), "utf8"));
  all["todo-secrets"] = { ...all["todo-secrets"], ...values };
  writeFileSync(secretsFile(), `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
  chmodSync(secretsFile(), 0o600);
}

/**
 * Starts one of our apps (its distributed main) beside its sidecar, both at once: the app waits
 * for the sidecar to read its credentials from the file secret store (SECRET_STORE_NAME), and the
 * sidecar waits for the app. No credential is in the app's environment.
 */
export async function startService(app: AppId, env: Record<string, string> = {}): Promise<RunningApp> {
  const [running] = await Promise.all([
    startApp(app, { SECRET_STORE_NAME: "local-secret-store", ...env }),
    startSidecar(app),
  ]);
  return running;
}

/** Starts one of our apps (its distributed main) and waits for /healthz. */
export async function startApp(app: AppId, env: Record<string, string>): Promise<RunningApp> {
  const log = openSync(`${stackDir}/logs/app-${app}.log`, "a");
  const inherited: NodeJS.ProcessEnv = { ...process.env };
  for (const name of credentialVariables) delete inherited[name];
  const child = spawn(process.execPath, ["--import", "tsx", `apps/${app}/src/main.ts`], {
    cwd: repoRoot,
    env: {
      ...inherited,
      PORT: String(appPort(app)),
      HOST: "127.0.0.1",
      DAPR_HTTP_PORT: String(daprPort(app)),
      LOG_LEVEL: "info",
      ...env,
    },
    stdio: ["ignore", log, log],
  });
  await waitForHttp(`http://127.0.0.1:${appPort(app)}/healthz`, 60_000, () => child.exitCode !== null, app);
  return {
    app,
    child,
    async stop(signal = "SIGTERM") {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill(signal);
      await exited;
    },
  };
}

export async function startSidecar(app: AppId): Promise<void> {
  await run("bash", [`${stackSrc}/sidecar.sh`, "start", app], {
    env: { ...process.env, STACK_DIR: stackDir },
  });
}

export async function stopSidecar(app: AppId): Promise<void> {
  await run("bash", [`${stackSrc}/sidecar.sh`, "stop", app], {
    env: { ...process.env, STACK_DIR: stackDir },
  });
}

export async function kafka(command: "start" | "stop"): Promise<void> {
  await run("bash", [`${stackSrc}/kafka.sh`, command], { env: { ...process.env, STACK_DIR: stackDir } });
}

export async function redisGet(key: string): Promise<string> {
  const { stdout } = await run("redis-cli", [
    "-h",
    "127.0.0.1",
    "-p",
    String(ports.REDIS_PORT),
    "HGET",
    key,
    "data",
  ]);
  return stdout.trim();
}

export async function waitForHttp(
  url: string,
  timeoutMs: number,
  gaveUp: () => boolean,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (gaveUp())
      throw new Error(`${what} exited before answering ${url}; see ${stackDir}/logs/app-${what}.log`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await response.body?.cancel();
      if (response.ok) return;
    } catch {}
    if (Date.now() > deadline) throw new Error(`${what}: no answer from ${url} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function waitUntil(
  condition: () => Promise<boolean> | boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Signs a new user up at the stack's backend (a fresh e-mail address each time). */
export async function signUp(name = "Stack"): Promise<{ token: string; userId: string }> {
  const response = await fetch(`http://127.0.0.1:${appPort("backend")}/api/auth/sign-up/email`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: `${randomUUID()}@example.com`, password: "correct horse battery", name }),
  });
  const body = (await response.json()) as { token: string; user: { id: string } };
  return { token: body.token, userId: body.user.id };
}
