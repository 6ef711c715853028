import assert from "node:assert/strict";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { build } from "./helpers.ts";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));

/** `npm run --silent mcp`, as a desktop assistant starts it, with the SDK's stdio client. */
function stdioClient(env: Record<string, string>) {
  return new StdioClientTransport({
    command: "npm",
    args: ["run", "--silent", "mcp"],
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    stderr: "pipe",
  });
}

test("npm run mcp: the SDK's stdio client reaches a running instance's tools with a personal token", async (t) => {
  const api = await build(t);
  const ada = await api.signUp("Ada");
  const client = new Client({ name: "stdio-test", version: "1.0.0" });
  await client.connect(stdioClient({ TODO_URL: api.baseUrl, TODO_TOKEN: ada.token }));
  t.after(() => client.close());

  const { tools } = await client.listTools();
  assert.ok(tools.some((tool) => tool.name === "create_task"));
  const created = (await client.callTool({
    name: "create_task",
    arguments: { title: "Over stdio" },
  })) as CallToolResult;
  assert.equal(created.isError, undefined);
  const task = created.structuredContent as { id: number; title: string };
  assert.equal(task.title, "Over stdio");
  const rest = await api.request("GET", `/api/${ada.userId}/tasks/${task.id}`, { token: ada.token });
  assert.equal(rest.body.title, "Over stdio");
  const event = await api.db
    .selectFrom("outbox")
    .select("payload")
    .orderBy("id", "desc")
    .executeTakeFirstOrThrow();
  const payload = typeof event.payload === "string" ? JSON.parse(event.payload) : event.payload;
  assert.equal(payload.source, "mcp");
  assert.equal(payload.event_type, "task.created");
});

test("npm run mcp with a wrong token answers the assistant with an error instead of hanging", async (t) => {
  const api = await build(t);
  const client = new Client({ name: "stdio-test", version: "1.0.0" });
  await assert.rejects(
    client.connect(stdioClient({ TODO_URL: api.baseUrl, TODO_TOKEN: "wrong-token-wrong-token" })),
    /the token is unknown, expired or revoked/,
  );
  await client.close();
});
