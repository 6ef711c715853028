// The secret store client against a stand-in sidecar (a loopback HTTP server answering the Dapr
// secrets API as daprd does); the stack tier reads the same secrets through real daprd.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createServer, type Server } from "node:http";
import { type TestContext, test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { ConfigError } from "@todo/server";
import { environmentWithSecrets, readDaprSecrets } from "../src/dapr-secrets.ts";

const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));
const DATABASE_URL = "postgres://todo:s3cr3t-password@db.internal/todo";

/** A stand-in sidecar: /v1.0/healthz/outbound is 500 for the first `notReady` calls, then 204. */
async function standInSidecar(
  t: TestContext,
  secrets: Record<string, Record<string, string>>,
  notReady = 0,
): Promise<{ port: number; requests: string[] }> {
  const requests: string[] = [];
  let healthCalls = 0;
  const server: Server = createServer((request, response) => {
    requests.push(request.url ?? "");
    if (request.url === "/v1.0/healthz/outbound") {
      healthCalls += 1;
      response.writeHead(healthCalls > notReady ? 204 : 500).end();
      return;
    }
    const match = /^\/v1\.0\/secrets\/([^/]+)\/([^/?]+)$/.exec(request.url ?? "");
    if (match?.[1] !== "local-secret-store") {
      response.writeHead(401, { "content-type": "application/json" });
      response.end(JSON.stringify({ errorCode: "ERR_SECRET_STORES_NOT_CONFIGURED" }));
      return;
    }
    const secret = secrets[decodeURIComponent(match[2]!)];
    if (!secret) {
      response.writeHead(500, { "content-type": "application/json" });
      response.end(JSON.stringify({ errorCode: "ERR_SECRET_GET", message: "secret not found" }));
      return;
    }
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(secret));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => new Promise((resolve) => server.close(resolve)));
  return { port: (server.address() as { port: number }).port, requests };
}

test("secret store (stand-in sidecar): waits for the sidecar, then the secret's keys replace the variables", async (t) => {
  const sidecar = await standInSidecar(
    t,
    { "todo-secrets": { DATABASE_URL, BETTER_AUTH_SECRET: "a".repeat(40), OTHER: "not asked for" } },
    3,
  );
  const env = await environmentWithSecrets(
    {
      SECRET_STORE_NAME: "local-secret-store",
      DAPR_HTTP_PORT: String(sidecar.port),
      DATABASE_URL: "postgres://stale@old/todo",
      SMTP_URL: "smtp://kept.example.com",
      LOG_LEVEL: "info",
    },
    { required: ["DATABASE_URL", "BETTER_AUTH_SECRET"], optional: ["SMTP_URL"] },
  );
  assert.equal(env.DATABASE_URL, DATABASE_URL);
  assert.equal(env.BETTER_AUTH_SECRET, "a".repeat(40));
  assert.equal(
    env.SMTP_URL,
    "smtp://kept.example.com",
    "an optional key the secret lacks keeps its variable",
  );
  assert.equal(env.OTHER, undefined, "only the keys asked for are taken");
  assert.equal(env.LOG_LEVEL, "info");
  assert.equal(sidecar.requests.filter((u) => u === "/v1.0/healthz/outbound").length, 4);
  assert.ok(sidecar.requests.includes("/v1.0/secrets/local-secret-store/todo-secrets"));
});

test("secret store: without SECRET_STORE_NAME (embedded mode) the environment is used as it is", async () => {
  const env = { DATABASE_URL };
  assert.equal(await environmentWithSecrets(env, { required: ["DATABASE_URL"] }), env);
});

test("secret store (stand-in sidecar): a missing secret names every key it lacks and never a value", async (t) => {
  const sidecar = await standInSidecar(t, { "todo-secrets": { DATABASE_URL } });
  await assert.rejects(
    readDaprSecrets(
      { httpPort: sidecar.port, storeName: "local-secret-store", secretName: "todo-secrets" },
      { required: ["DATABASE_URL", "BETTER_AUTH_SECRET", "APP_API_TOKEN"] },
    ),
    (error: Error) => {
      assert.ok(error instanceof ConfigError);
      assert.match(
        error.message,
        /BETTER_AUTH_SECRET: missing from secret store local-secret-store, secret todo-secrets/,
      );
      assert.match(error.message, /APP_API_TOKEN: missing/);
      assert.doesNotMatch(error.message, /DATABASE_URL|s3cr3t/);
      return true;
    },
  );
  await assert.rejects(
    readDaprSecrets(
      { httpPort: sidecar.port, storeName: "local-secret-store", secretName: "nothing-here" },
      { required: ["DATABASE_URL"] },
    ),
    /secret store local-secret-store, secret nothing-here: the sidecar answered 500 .*ERR_SECRET_GET/,
  );
});

test("secret store: a sidecar that never becomes ready stops start-up after the bounded wait", async (t) => {
  const sidecar = await standInSidecar(t, {}, Number.POSITIVE_INFINITY);
  await assert.rejects(
    readDaprSecrets(
      { httpPort: sidecar.port, storeName: "local-secret-store", secretName: "todo-secrets", waitMs: 300 },
      { required: ["DATABASE_URL"] },
    ),
    /the Dapr sidecar at http:\/\/127\.0\.0\.1:\d+ was not ready within 300 ms \(status 500\)/,
  );
});

test("secret store (stand-in sidecar): a service's main stops with the missing secret's name, without its value, exit 1", async (t) => {
  const sidecar = await standInSidecar(t, {
    "todo-secrets": { SMTP_URL: "smtp://user:pa55word@mail.example.com" },
  });
  const run = promisify(execFile);
  const failed = await run(process.execPath, ["--import", "tsx", "apps/recurring-task-service/src/main.ts"], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH,
      SECRET_STORE_NAME: "local-secret-store",
      DAPR_HTTP_PORT: String(sidecar.port),
      PORT: "0",
    },
  }).then(
    () => null,
    (error: { code: number; stderr: string; stdout: string }) => error,
  );
  assert.ok(failed, "the service must not start");
  assert.equal(failed.code, 1);
  assert.match(
    failed.stderr,
    /DATABASE_URL: missing from secret store local-secret-store, secret todo-secrets/,
  );
  assert.doesNotMatch(failed.stderr + failed.stdout, /pa55word/);
});
