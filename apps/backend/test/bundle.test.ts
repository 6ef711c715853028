// The images run dist/main.js and dist/migrate.js as scripts/bundle.mjs builds them (npm
// dependencies inside), not the TypeScript the other tests import: this builds them the same way
// and drives them against a real PostgreSQL server, so a dependency that breaks once bundled fails
// here rather than in a cluster.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { connectMcp } from "../../../packages/api/test/mcp-client.ts";
import { bundleService, writeCompileCache } from "../../../scripts/bundle.mjs";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const serverUrl = process.env.TEST_DATABASE_URL;

test("the bundled backend migrates, starts, serves the API and stops cleanly", {
  skip: serverUrl ? false : "needs TEST_DATABASE_URL: the distributed main runs on a PostgreSQL server",
  timeout: 120_000,
}, async (t) => {
  // Inside the repository, so the few packages left out of the bundle resolve from node_modules.
  const outdir = await mkdtemp(join(repoRoot, "node_modules", ".cache-bundle-test-"));
  t.after(() => rm(outdir, { recursive: true, force: true }));
  await bundleService({
    entryPoints: {
      main: join(repoRoot, "apps/backend/src/main.ts"),
      migrate: join(repoRoot, "packages/db/src/migrate-cli.ts"),
    },
    outdir,
    outExtension: ".mjs",
    logLevel: "error",
  });
  // ASCII only, so that node holds the source one byte a character (any other letter, even in a
  // comment, makes the whole string UTF-16: twice the memory).
  const source = await readFile(join(outdir, "main.mjs"), "latin1");
  assert.equal(source.search(/[\u0080-\u00ff]/), -1, "the bundle is not ASCII");
  // Built-ins come through require(), not ES imports (whose facade reads every export: node:http's
  // WebSocket getter loads node's own undici at start); the banner's node:module is the one import.
  const builtinImports = [...source.matchAll(/\bfrom\s*"((?:node:)?[a-z0-9_/]+)"/g)].map((m) => m[1]);
  assert.deepEqual(builtinImports, ["node:module"]);
  // The images' --compile-cache step: main stops at its configuration check, and a Node that has
  // a compile cache (>= 22.1, the images' 24) writes one.
  const cached = writeCompileCache(outdir, "main.mjs");
  assert.equal(cached > 0, "enableCompileCache" in (await import("node:module")));

  const name = `bundle_${randomUUID().replaceAll("-", "")}`;
  await admin(`CREATE DATABASE ${name}`);
  t.after(() => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  const url = new URL(serverUrl!);
  url.pathname = `/${name}`;
  const env = { ...process.env, NODE_ENV: "production", DATABASE_URL: url.toString() };

  const migrate = await run(spawn(process.execPath, [join(outdir, "migrate.mjs"), "up"], { env }));
  assert.equal(migrate.code, 0, migrate.output);

  const port = await freePort();
  // Asked over an IPC channel, the backend answers which of node's own modules it has loaded (a
  // preload of this test): what the first request of a route loads must not be loaded by listening.
  const reportModules =
    'process.channel.unref(); process.on("message", () => process.send(process.moduleLoadList))';
  const backend = spawn(
    process.execPath,
    ["--import", `data:text/javascript,${encodeURIComponent(reportModules)}`, join(outdir, "main.mjs")],
    {
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      env: {
        ...env,
        HOST: "127.0.0.1",
        PORT: String(port),
        LOG_LEVEL: "warn",
        BETTER_AUTH_SECRET: "bundle-test-secret-that-is-long-enough-0123456789",
        // No sidecar here: readiness says so without failing, and events wait in the outbox.
        DAPR_HTTP_PORT: String(await freePort()),
      },
    },
  );
  const exited = run(backend);
  t.after(() => backend.kill("SIGKILL"));
  const base = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${base}/readyz`).catch(() => undefined))?.status === 200);
  // Node's own undici (reached through globalThis.Headers by the npm undici and by the MCP SDK's
  // @hono/node-server) comes with the invocation proxy and the MCP server, which load with their
  // first request (~45 ms of the start-up CPU). On Node 20, which has no `navigator`, pg's
  // Cloudflare check reads globalThis.Response at start; the images run Node 24.
  const nodeUndici = (modules: string[]) => modules.includes("NativeModule internal/deps/undici/undici");
  const checkable = "navigator" in globalThis;
  // Nor node:http2, which Fastify's lib/server.js requires for HTTP/2 servers: the bundle loads it
  // on first use (scripts/bundle.mjs, lazyBuiltins). Node 20 loads it at start anyway.
  const atReady = await loadedModules(backend);
  if (checkable) {
    assert.equal(nodeUndici(atReady), false, "undici loaded before a request needed it");
    assert.equal(atReady.includes("NativeModule http2"), false, "node:http2 loaded by an HTTP/1 server");
  } else
    t.diagnostic(`${process.version} has no navigator: not checked that listening leaves undici unloaded`);

  const signUp = await post(`${base}/api/auth/sign-up/email`, {
    email: "bundle@example.com",
    password: "correct horse battery",
    name: "Bundle",
  });
  assert.equal(signUp.status, 200);
  const { token, user } = (await signUp.json()) as { token: string; user: { id: string } };
  const auth = { authorization: `Bearer ${token}` };
  const tag = await post(`${base}/api/${user.id}/tags`, { name: "home" }, auth);
  assert.equal(tag.status, 201);
  const tagId = ((await tag.json()) as { id: number }).id;
  const created = await post(`${base}/api/${user.id}/tasks`, { title: "bundled", tag_ids: [tagId] }, auth);
  assert.equal(created.status, 201);
  const list = await fetch(`${base}/api/${user.id}/tasks?search=bund`, { headers: auth });
  const body = (await list.json()) as { items: { title: string; tags: { name: string }[] }[] };
  assert.deepEqual(
    body.items.map((i) => [i.title, i.tags.map((g) => g.name)]),
    [["bundled", ["home"]]],
  );
  const invalid = await post(`${base}/api/${user.id}/tasks`, { title: "" }, auth);
  assert.equal(invalid.status, 400);
  assert.equal(((await invalid.json()) as { code: string }).code, "validation_failed");
  assert.equal((await fetch(`${base}/docs/json`)).status, 200);

  // The MCP server on its first call: the SDK's own client lists our tools.
  const mcp = await connectMcp(base, token);
  assert.ok((await mcp.listTools()).tools.some((tool) => tool.name === "find_tasks"));
  await mcp.close();
  // The notification API on its first call: forwarded to the sidecar, which is not running here,
  // so 503 with Retry-After (the invocation tests cover the answers of a sidecar that runs).
  const notifications = await fetch(`${base}/api/${user.id}/notifications`, { headers: auth });
  await notifications.text();
  assert.equal(notifications.status, 503);
  assert.equal(notifications.headers.get("retry-after"), "5");
  assert.equal(nodeUndici(await loadedModules(backend)), true);
  assert.match(await (await fetch(`${base}/metrics`)).text(), /http_request_duration_seconds/);

  backend.kill("SIGTERM");
  const stopped = await exited;
  assert.equal(stopped.code, 0, stopped.output);
});

/** Node's built-in modules the process has loaded, as its preload answers (see above). */
function loadedModules(child: ChildProcess): Promise<string[]> {
  const answer = new Promise<string[]>((resolve) =>
    child.once("message", (list) => resolve(list as string[])),
  );
  child.send("modules?");
  return answer;
}

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

function run(child: ChildProcess): Promise<{ code: number | null; output: string }> {
  let output = "";
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, output })));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("the bundled backend did not become ready in 30 s");
    await new Promise((r) => setTimeout(r, 100));
  }
}
