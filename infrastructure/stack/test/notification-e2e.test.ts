// The end-to-end suite (apps/embedded/test/pipeline-suite.ts, also run against `npm start`) through
// the real stack: backend, recurring-task service and notification service each beside its daprd,
// Kafka in between, the cron binding ticking; the notification service's subscription is served by
// the Dapr driver. Then what only this mode has: the delivery history in Redis through the Dapr
// state API; the notification API served by notification-service and reached through the backend
// by Dapr service invocation; every service's credentials read from the file secret store; a task
// created by an AI assistant through the backend's MCP server takes the same way. Needs up.sh first.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { test } from "node:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { Webhook } from "standardwebhooks";
import { pipelineSuite } from "../../../apps/embedded/test/pipeline-suite.ts";
import {
  type AppId,
  appPort,
  createRunDatabase,
  credentialVariables,
  ports,
  type RunningApp,
  readStackSecrets,
  redisGet,
  startService,
  stopSidecar,
  useStackSecrets,
  waitUntil,
} from "./harness.ts";

const backend = `http://127.0.0.1:${appPort("backend")}`;
const apps: RunningApp[] = [];

const state = pipelineSuite(
  "stack",
  async ({ smtpUrl }) => {
    // Credentials go to the file secret store (read by the sidecars at start), never to the apps.
    useStackSecrets({ DATABASE_URL: await createRunDatabase(), SMTP_URL: smtpUrl });
    const started: AppId[] = [];
    const launch = async (app: AppId, env: Record<string, string>) => {
      apps.push(await startService(app, env));
      started.push(app);
    };
    await launch("backend", { AUTH_SIGN_IN_LIMIT_PER_MINUTE: "1000" });
    await launch("recurring-task-service", {});
    await launch("notification-service", { WEBHOOK_ALLOW_PRIVATE_NETWORKS: "true" });
    return {
      base: backend,
      async stop() {
        for (const app of started.reverse()) await stopSidecar(app).catch(() => {});
        for (const app of apps) await app.stop();
      },
    };
  },
  { timeoutMs: 60_000 },
);

test("stack: the completion's webhook delivery is recorded as delivered, its attempt history in Redis", async () => {
  assert.ok(state.user && state.completedNotificationId, "the suite's first test ran");
  const headers = { authorization: `Bearer ${state.user.token}` };
  const url = `${state.base}/api/${state.user.userId}/notifications/${state.completedNotificationId}/deliveries`;
  let deliveries: { channel: string; status: string; history: unknown[] }[] = [];
  await waitUntil(
    async () => {
      deliveries = ((await fetch(url, { headers }).then((r) => r.json())) as { items: typeof deliveries })
        .items;
      return deliveries.some(
        (d) => d.channel === "webhook" && d.status === "delivered" && d.history.length > 0,
      );
    },
    "the webhook delivery recorded as delivered, with its history read from the state store",
    30_000,
  );
  // The history is in Redis, under the state store's shared key prefix.
  const scan = [
    "-h",
    "127.0.0.1",
    "-p",
    String(ports.REDIS_PORT),
    "--scan",
    "--pattern",
    "todo-statestore||notification-delivery:*",
  ];
  const keys = execFileSync("redis-cli", scan).toString().trim().split("\n").filter(Boolean);
  assert.ok(keys.length > 0, "delivery history keys in Redis");
  const stored = JSON.parse(await redisGet(keys[0]!)) as { attempts: unknown[] };
  assert.ok(stored.attempts.length > 0);
});

async function signUp(name: string) {
  const reply = (await fetch(`${backend}/api/auth/sign-up/email`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      email: `${crypto.randomUUID()}@example.com`,
      password: "correct horse battery",
      name,
    }),
  }).then((r) => r.json())) as { token: string; user: { id: string } };
  return {
    id: reply.user.id,
    headers: { "content-type": "application/json", authorization: `Bearer ${reply.token}` },
  };
}

test("service invocation: preferences and webhooks through the backend's address, another user's ids refused", async () => {
  const ada = await signUp("Ada");
  const bob = await signUp("Bob");
  const put = await fetch(`${backend}/api/${ada.id}/notification-preferences`, {
    method: "PUT",
    headers: ada.headers,
    body: JSON.stringify({ preferences: { "task.created": { email: true } } }),
  });
  assert.equal(put.status, 200);
  const prefs = (await fetch(`${backend}/api/${ada.id}/notification-preferences`, {
    headers: ada.headers,
  }).then((r) => r.json())) as { preferences: Record<string, { email: boolean }> };
  assert.equal(prefs.preferences["task.created"]?.email, true);

  const created = await fetch(`${backend}/api/${ada.id}/webhooks`, {
    method: "POST",
    headers: ada.headers,
    body: JSON.stringify({ url: "http://127.0.0.1:9/ada", event_types: ["task.created"] }),
  });
  assert.equal(created.status, 201);
  const hook = (await created.json()) as { id: number };
  const one = await fetch(`${backend}/api/${ada.id}/webhooks/${hook.id}`, { headers: ada.headers });
  assert.equal(one.status, 200);
  assert.ok(one.headers.get("etag"));

  const bad = await fetch(`${backend}/api/${ada.id}/webhooks`, {
    method: "POST",
    headers: ada.headers,
    body: JSON.stringify({ url: "ftp://example.com", event_types: ["task.created"] }),
  });
  assert.equal(bad.status, 400);
  assert.match(bad.headers.get("content-type") ?? "", /^application\/problem\+json/);
  assert.equal(((await bad.json()) as { code: string }).code, "validation_failed");

  const onAdasPath = await fetch(`${backend}/api/${ada.id}/webhooks`, { headers: bob.headers });
  assert.equal(onAdasPath.status, 403);
  const adasHook = await fetch(`${backend}/api/${bob.id}/webhooks/${hook.id}`, { headers: bob.headers });
  assert.equal(adasHook.status, 404);
  const claimed = await fetch(`${backend}/api/${bob.id}/webhooks`, {
    headers: { ...bob.headers, "x-authenticated-user-id": ada.id },
  });
  assert.deepEqual(((await claimed.json()) as { items: unknown[] }).items, []);

  // Straight to the notification service's port, past its sidecar: the identity is not taken.
  const direct = await fetch(`http://127.0.0.1:${appPort("notification-service")}/api/${ada.id}/webhooks`, {
    headers: { "x-authenticated-user-id": ada.id, "dapr-caller-app-id": "backend" },
  });
  assert.equal(direct.status, 401);
});

test("secret store: the services run with no credential in their environment, read from the file secret store", async () => {
  const secrets = readStackSecrets();
  assert.ok(secrets.DATABASE_URL && secrets.BETTER_AUTH_SECRET && secrets.APP_API_TOKEN);
  for (const running of apps) {
    const environ = readFileSync(`/proc/${running.child.pid}/environ`, "utf8").split("\0");
    assert.ok(environ.includes("SECRET_STORE_NAME=local-secret-store"), running.app);
    for (const name of credentialVariables) {
      assert.ok(
        !environ.some((entry) => entry.startsWith(`${name}=`)),
        `${running.app} has ${name} in its environment`,
      );
    }
  }
  // The backend signs sessions with the stored BETTER_AUTH_SECRET and reaches the stored database:
  // a sign-up works end to end, and the notification API answers through invocation.
  const user = await signUp("Secrets");
  const reply = await fetch(`${backend}/api/${user.id}/notifications`, { headers: user.headers });
  assert.equal(reply.status, 200);
});

test("stack: a task created through MCP reaches notification-service through Kafka: its task.created webhook goes out, source mcp", async (t) => {
  const received: { headers: Record<string, string>; body: string }[] = [];
  const receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      received.push({ headers: req.headers as Record<string, string>, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  t.after(() => receiver.close());
  const user = await signUp("Assistant");
  const port = (receiver.address() as { port: number }).port;
  const webhook = (await fetch(`${backend}/api/${user.id}/webhooks`, {
    method: "POST",
    headers: user.headers,
    body: JSON.stringify({ url: `http://127.0.0.1:${port}/mcp-hook`, event_types: ["task.created"] }),
  }).then((r) => r.json())) as { id: number; secret: string };

  const client = new Client({ name: "stack-test", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL("/mcp", backend), {
      requestInit: { headers: { authorization: user.headers.authorization } },
    }),
  );
  const result = (await client.callTool({
    name: "create_task",
    arguments: { title: "Made by an assistant" },
  })) as CallToolResult;
  await client.close();
  assert.notEqual(result.isError, true, JSON.stringify(result.content));
  const task = result.structuredContent as { id: number };
  const about = (r: { body: string }) => new RegExp(`"task_id":${task.id}[,}]`).test(r.body);

  await waitUntil(() => received.some(about), "the MCP task's webhook", 60_000);
  const delivery = received.find(about)!;
  const payload = new Webhook(webhook.secret).verify(delivery.body, delivery.headers);
  assert.match(JSON.stringify(payload), /"task\.created"/);
  assert.match(JSON.stringify(payload), /"source":"mcp"/);
});
