// npm run test:containers: the five images (the services' from apps/Dockerfile, the frontend's), built by
// infrastructure/containers/run-tests.sh, run the way the Helm chart runs them (read-only root
// file system, a non-root uid, every capability dropped, no privilege escalation, /tmp the only
// writable place) with podman and runc, against the PostgreSQL server of scripts/with-postgres.sh
// (TEST_DATABASE_URL). Loopback only: the Node services share the host's network and listen on
// 127.0.0.1; the frontend is published on 127.0.0.1. Needs podman (run-tests.sh installs it) and
// the images; it fails, never skips, without them.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import { promisify } from "node:util";
import pg from "pg";

const run = promisify(execFile);
const prefix = process.env.TODO_IMAGE_PREFIX ?? "localhost/todo";
const tag = process.env.TODO_IMAGE_TAG ?? "test";
const serverUrl = process.env.TEST_DATABASE_URL;
const serviceBudgetMb = Number(process.env.SERVICE_IMAGE_BUDGET_MB ?? 150);
const frontendBudgetMb = Number(process.env.FRONTEND_IMAGE_BUDGET_MB ?? 60);
/** 127.0.0.1 ports of this tier: PostgreSQL is 25445, then one per container. */
const ports = {
  backend: 25446,
  "notification-service": 25447,
  "recurring-task-service": 25448,
  frontend: 25449,
  "audit-service": 25451,
};
/** The Node services, all built from apps/Dockerfile. */
const services = ["backend", "notification-service", "recurring-task-service", "audit-service"] as const;
const image = (app: string) => `${prefix}/${app}:${tag}`;

/** The chart's securityContext (todo.containerSecurityContext, podSecurityContext) as podman flags. */
function chartLike(uid: number): string[] {
  return [
    "--read-only",
    "--read-only-tmpfs=false",
    "--tmpfs=/tmp:rw,nosuid,nodev,size=64m",
    `--user=${uid}:${uid}`,
    "--cap-drop=ALL",
    "--security-opt=no-new-privileges",
    "--pull=never",
  ];
}

async function podman(...args: string[]): Promise<string> {
  const { stdout } = await run("podman", args, { maxBuffer: 16 * 1024 * 1024 });
  return stdout.trim();
}

/** Starts a detached container; removed (with its logs printed on failure) when the test ends. */
async function start(t: { after: (fn: () => Promise<void>) => void }, name: string, args: string[]) {
  await podman("rm", "--force", "--ignore", name);
  await podman("run", "--detach", `--name=${name}`, ...args);
  t.after(async () => {
    await podman("rm", "--force", "--time=5", name).catch(() => undefined);
  });
}

async function logs(name: string): Promise<string> {
  const { stdout, stderr } = await run("podman", ["logs", name]).catch((e) => e);
  return `${stdout ?? ""}${stderr ?? ""}`;
}

/** Polls until `url` answers `status`; the container's logs in the error otherwise. */
async function waitForStatus(url: string, status: number, container: string): Promise<void> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const answer = await fetch(url, { redirect: "manual" }).catch(() => undefined);
    if (answer?.status === status) return;
    const state = await podman("inspect", "--format={{.State.Status}}", container).catch(() => "gone");
    if (state !== "running" || Date.now() > deadline) {
      throw new Error(`${url} did not answer ${status} (container ${state}):\n${await logs(container)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function sizeMb(ref: string): Promise<number> {
  return Number(await podman("image", "inspect", "--format={{.Size}}", ref)) / 1e6;
}

/** A fresh database on the PostgreSQL server for one test, dropped when it ends. */
async function newDatabase(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  assert.ok(
    serverUrl,
    "TEST_DATABASE_URL is not set: run this through infrastructure/containers/run-tests.sh",
  );
  const name = `containers_${randomUUID().replaceAll("-", "")}`;
  const server = new pg.Client({ connectionString: serverUrl });
  await server.connect();
  await server.query(`CREATE DATABASE ${name}`);
  t.after(async () => {
    await server.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await server.end();
  });
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** The migration CLI in the backend image: the Helm hook Job's command (migration.command). */
function migrate(databaseUrl: string, command: "up" | "status"): Promise<string> {
  return podman(
    "run",
    "--rm",
    ...chartLike(1000),
    "--network=host",
    `--env=DATABASE_URL=${databaseUrl}`,
    image("backend"),
    "node",
    "dist/migrate.js",
    command,
  );
}

/** A Node service on the host's network, listening on 127.0.0.1:<port>, without a Dapr sidecar. */
function serviceFlags(databaseUrl: string, port: number, extra: Record<string, string>): string[] {
  const env = {
    DATABASE_URL: databaseUrl,
    HOST: "127.0.0.1",
    PORT: String(port),
    DAPR_HTTP_PORT: "25450",
    ...extra,
  };
  return [...chartLike(1000), "--network=host", ...Object.entries(env).map(([k, v]) => `--env=${k}=${v}`)];
}

/** JSON to the backend's API, with the session's bearer token once there is one. */
function api(method: string, url: string, body?: unknown, token?: string): Promise<Response> {
  return fetch(url, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

test("each service image stays within its budget and holds no package manager or shell", async () => {
  for (const app of services) {
    const mb = await sizeMb(image(app));
    console.log(`${app}: ${mb.toFixed(1)} MB (budget ${serviceBudgetMb} MB)`);
    assert.ok(
      mb <= serviceBudgetMb,
      `${image(app)} is ${mb.toFixed(1)} MB, over its ${serviceBudgetMb} MB budget`,
    );
    const config = JSON.parse(await podman("image", "inspect", "--format={{json .Config}}", image(app)));
    assert.equal(config.User, "1000:1000", `${app} runs as uid 1000`);
    for (const absent of ["/usr/local/bin/npm", "/bin/sh"]) {
      const probe = `require("node:fs").accessSync(${JSON.stringify(absent)})`;
      await assert.rejects(
        podman("run", "--rm", ...chartLike(1000), image(app), "node", "-e", probe),
        `${app} holds ${absent}`,
      );
    }
  }
  const mb = await sizeMb(image("frontend"));
  console.log(`frontend: ${mb.toFixed(1)} MB (budget ${frontendBudgetMb} MB)`);
  assert.ok(
    mb <= frontendBudgetMb,
    `${image("frontend")} is ${mb.toFixed(1)} MB, over its ${frontendBudgetMb} MB budget`,
  );
});

test("the images run Node 24 (a supported LTS)", async () => {
  for (const app of services) {
    const version = await podman("run", "--rm", ...chartLike(1000), image(app), "node", "--version");
    assert.match(version, /^v24\./, `${app} runs ${version}`);
  }
});

test("the backend image migrates, starts, signs a user up and keeps a task on PostgreSQL", async (t) => {
  const databaseUrl = await newDatabase(t);
  assert.match(await migrate(databaseUrl, "up"), /\S/, "the migration says what it applied");
  const status = await migrate(databaseUrl, "status");
  // Each line is "applied  <name>" or "pending  <name>"; a name may hold the word itself.
  assert.doesNotMatch(status, /^\s*pending\b/im, `nothing pending after up:\n${status}`);

  const port = ports.backend;
  const secrets = { BETTER_AUTH_SECRET: "container-test-secret-that-is-long-enough-0123456789" };
  const publicUrl = { PUBLIC_URL: `http://127.0.0.1:${port}` };
  await start(t, "todo-test-backend", [
    ...serviceFlags(databaseUrl, port, { ...secrets, ...publicUrl }),
    image("backend"),
  ]);
  const base = `http://127.0.0.1:${port}`;
  // No sidecar here: readiness says so without failing; events wait in the outbox.
  await waitForStatus(`${base}/readyz`, 200, "todo-test-backend");
  assert.equal((await fetch(`${base}/healthz`)).status, 200);

  const signUp = await api("POST", `${base}/api/auth/sign-up/email`, {
    email: "container@example.com",
    password: "correct horse battery",
    name: "Container",
  });
  assert.equal(signUp.status, 200, await signUp.clone().text());
  const { token, user } = (await signUp.json()) as { token: string; user: { id: string } };
  const tasks = `${base}/api/${user.id}/tasks`;
  const created = await api("POST", tasks, { title: "shipped in a container" }, token);
  assert.equal(created.status, 201, await created.clone().text());
  const list = (await (await api("GET", tasks, undefined, token)).json()) as { items: { title: string }[] };
  assert.deepEqual(
    list.items.map((i) => i.title),
    ["shipped in a container"],
  );
  const invalid = await api("POST", tasks, { title: "" }, token);
  assert.equal(invalid.status, 400);
  assert.equal((await fetch(`${base}/docs/json`)).status, 200, "swagger-ui's files are in the image");
  // Stops cleanly on the kubelet's SIGTERM.
  await podman("stop", "--time=20", "todo-test-backend");
  const exitCode = await podman("inspect", "--format={{.State.ExitCode}}", "todo-test-backend");
  assert.equal(exitCode, "0", await logs("todo-test-backend"));
});

test("the notification, recurring-task and audit images start and answer their probes", async (t) => {
  const databaseUrl = await newDatabase(t);
  await migrate(databaseUrl, "up");
  for (const app of ["notification-service", "recurring-task-service", "audit-service"] as const) {
    const port = ports[app];
    const extra = {
      SMTP_URL: "smtp://127.0.0.1:25450",
      MAIL_FROM: "Todo <no-reply@example.com>",
      // The notification service's API trusts only calls carrying its sidecar's app API token.
      APP_API_TOKEN: "container-test-app-api-token-0123456789",
    };
    await start(t, `todo-test-${app}`, [...serviceFlags(databaseUrl, port, extra), image(app)]);
    await waitForStatus(`http://127.0.0.1:${port}/healthz`, 200, `todo-test-${app}`);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    assert.ok([200, 503].includes(ready.status), `${app} /readyz answered ${ready.status}`);
  }
});

test("the frontend image serves the pages, relative redirects and its probes", async (t) => {
  const port = ports.frontend;
  await start(t, "todo-test-frontend", [
    ...chartLike(101),
    `--publish=127.0.0.1:${port}:8080`,
    image("frontend"),
  ]);
  const base = `http://127.0.0.1:${port}`;
  await waitForStatus(`${base}/healthz`, 200, "todo-test-frontend");
  // Readiness (values.yaml frontend.readinessPath) and the pages.
  for (const path of ["/index.html", "/", "/login/", "/dashboard/"]) {
    const page = await fetch(`${base}${path}`, { redirect: "manual" });
    assert.equal(page.status, 200, `${path}: ${page.status}`);
    assert.match(page.headers.get("content-type") ?? "", /text\/html/);
    assert.equal(page.headers.get("x-content-type-options"), "nosniff");
  }
  // A folder without its slash redirects, relatively: an absolute Location would name the
  // container's port and scheme (http://host:8080/login/) and break behind the Ingress's TLS.
  for (const path of ["/login", "/dashboard"]) {
    const redirect = await fetch(`${base}${path}`, { redirect: "manual" });
    assert.equal(redirect.status, 301, `${path}: ${redirect.status}`);
    assert.equal(redirect.headers.get("location"), `${path}/`, `${path} redirects to an absolute URL`);
  }
  const missing = await fetch(`${base}/no-such-page`);
  assert.equal(missing.status, 404);
});
