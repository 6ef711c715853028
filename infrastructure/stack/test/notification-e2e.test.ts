// The notification service through the real stack: a task completed through the backend reaches
// notification-service through daprd → Kafka → daprd; its signed webhook goes out, and the
// delivery's attempt history lands in Redis through the Dapr state API. A task created by an AI
// assistant through the backend's MCP server takes the same way. Needs up.sh first.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createServer } from "node:http";
import { after, before, test } from "node:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { Webhook } from "standardwebhooks";
import {
  appPort,
  createRunDatabase,
  ports,
  type RunningApp,
  redisGet,
  startApp,
  startSidecar,
  stopSidecar,
  waitUntil,
} from "./harness.ts";

const backend = `http://127.0.0.1:${appPort("backend")}`;
const apps: RunningApp[] = [];
const received: { headers: Record<string, string>; body: string }[] = [];
const receiver = createServer((req, res) => {
  let body = "";
  req.on("data", (chunk) => (body += chunk));
  req.on("end", () => {
    received.push({ headers: req.headers as Record<string, string>, body });
    res.writeHead(204).end();
  });
});

before(async () => {
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const databaseUrl = await createRunDatabase();
  apps.push(
    await startApp("backend", {
      DATABASE_URL: databaseUrl,
      BETTER_AUTH_SECRET: "stack-test-secret-stack-test-secret-0123",
      AUTH_SIGN_IN_LIMIT_PER_MINUTE: "1000",
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: "true",
    }),
  );
  await startSidecar("backend");
  apps.push(
    await startApp("notification-service", {
      DATABASE_URL: databaseUrl,
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: "true",
    }),
  );
  await startSidecar("notification-service");
});

after(async () => {
  for (const app of ["notification-service", "backend"] as const) await stopSidecar(app).catch(() => {});
  for (const app of apps) await app.stop();
  receiver.close();
});

/** A new user with a webhook to the receiver at `path` for `eventTypes`: their headers, API base and the webhook. */
async function userWithWebhook(path: string, eventTypes: string[]) {
  const json = { "content-type": "application/json" };
  const signUp = (await fetch(`${backend}/api/auth/sign-up/email`, {
    method: "POST",
    headers: json,
    body: JSON.stringify({
      email: `${crypto.randomUUID()}@example.com`,
      password: "correct horse battery",
      name: "Stack",
    }),
  }).then((r) => r.json())) as { token: string; user: { id: string } };
  const headers = { ...json, authorization: `Bearer ${signUp.token}` };
  const api = `${backend}/api/${signUp.user.id}`;
  const port = (receiver.address() as { port: number }).port;
  const webhook = (await fetch(`${api}/webhooks`, {
    method: "POST",
    headers,
    body: JSON.stringify({ url: `http://127.0.0.1:${port}${path}`, event_types: eventTypes }),
  }).then((r) => r.json())) as { id: number; secret: string };
  return { headers, api, webhook };
}

test("a task completed through the backend becomes an in-app notification and a signed webhook, tracked in Redis", async () => {
  const { headers, api, webhook } = await userWithWebhook("/hook", ["task.completed"]);
  assert.match(webhook.secret, /^whsec_/);

  const task = (await fetch(`${api}/tasks`, {
    method: "POST",
    headers,
    body: JSON.stringify({ title: "Ship it" }),
  }).then((r) => r.json())) as { id: number };
  const complete = await fetch(`${api}/tasks/${task.id}/complete`, {
    method: "PATCH",
    headers: { authorization: headers.authorization },
  });
  assert.equal(complete.status, 200);

  await waitUntil(() => received.length > 0, "the webhook", 60_000);
  const [delivery] = received;
  const payload = new Webhook(webhook.secret).verify(delivery!.body, delivery!.headers) as {
    type?: string;
    data?: { task_id?: number };
  };
  assert.ok(
    JSON.stringify(payload).includes(`"task_id":${task.id}`),
    "the signed body is about the completed task",
  );

  const list = (await fetch(`${api}/notifications`, { headers }).then((r) => r.json())) as {
    items: { id: number; event_type: string; task_id: number }[];
    unread_count: number;
  };
  const notification = list.items.find((n) => n.task_id === task.id && n.event_type === "task.completed");
  assert.ok(notification, "an in-app notification for the completion");

  let deliveries: { channel: string; status: string; history: unknown[] }[] = [];
  await waitUntil(
    async () => {
      const reply = (await fetch(`${api}/notifications/${notification!.id}/deliveries`, { headers }).then(
        (r) => r.json(),
      )) as {
        items: typeof deliveries;
      };
      deliveries = reply.items;
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

test("a task created through MCP reaches notification-service through Kafka: its task.created webhook goes out, source mcp", async () => {
  const { headers, webhook } = await userWithWebhook("/mcp-hook", ["task.created"]);
  const { authorization } = headers;

  const client = new Client({ name: "stack-test", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL("/mcp", backend), {
      requestInit: { headers: { authorization } },
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
