import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import { build } from "./helpers.ts";
import { call, connectMcp } from "./mcp-client.ts";
import { openStream } from "./sse-client.ts";

const resourceText = (result: { contents: ({ text: string } | { blob: string })[] }) => {
  const first = result.contents[0]!;
  return "text" in first ? first.text : "";
};

test("MCP over Streamable HTTP lists every tool with schemas and truthful annotations", async (t) => {
  const api = await build(t);
  const ada = await api.signUp("Ada");
  const client = await connectMcp(api.baseUrl, ada.token);
  t.after(() => client.close());
  const { tools } = await client.listTools();
  const byName = new Map(tools.map((tool) => [tool.name, tool]));
  assert.deepEqual([...byName.keys()].sort(), [
    "complete_task",
    "create_recurring_task",
    "create_tag",
    "create_task",
    "delete_task",
    "find_tasks",
    "get_task",
    "list_notifications",
    "list_tags",
    "mark_all_notifications_read",
    "mark_notification_read",
    "preview_recurring_task",
    "rename_tag",
    "update_task",
  ]);
  for (const tool of tools) {
    assert.equal(tool.inputSchema.type, "object", tool.name);
    assert.equal(tool.outputSchema?.type, "object", tool.name);
    assert.equal(tool.annotations?.openWorldHint, false, tool.name);
  }
  const readOnly = tools.filter((tool) => tool.annotations?.readOnlyHint).map((tool) => tool.name);
  assert.deepEqual(readOnly.sort(), [
    "find_tasks",
    "get_task",
    "list_notifications",
    "list_tags",
    "preview_recurring_task",
  ]);
  assert.equal(byName.get("delete_task")?.annotations?.destructiveHint, true);
  assert.equal(byName.get("delete_task")?.annotations?.idempotentHint, true);
  assert.equal(byName.get("create_task")?.annotations?.idempotentHint, false);
  assert.equal(byName.get("create_task")?.annotations?.destructiveHint, false);
  assert.equal(byName.get("complete_task")?.annotations?.idempotentHint, true);
  // The input schemas are the contracts': create_task's title is required, limited to 200 characters.
  const createInput = byName.get("create_task")!.inputSchema as {
    required?: string[];
    properties: Record<string, { maxLength?: number }>;
  };
  assert.deepEqual(createInput.required, ["title"]);
  assert.equal(createInput.properties.title?.maxLength, 200);
});

test("task tools: create, find (filter, search, sort, page), get, update, complete and reopen, delete", async (t) => {
  const api = await build(t);
  const ada = await api.signUp("Ada");
  const client = await connectMcp(api.baseUrl, ada.token);
  t.after(() => client.close());

  const tag = await call(client, "create_tag", { name: "Home", color: "#22AA55" });
  assert.equal(tag.isError, false, tag.text);
  const created = await call(client, "create_task", {
    title: "Buy café beans",
    due_date: "2030-01-02T09:00:00Z",
    priority_id: 3,
    tag_ids: [tag.data.id],
  });
  assert.equal(created.isError, false, created.text);
  assert.equal(created.data.title, "Buy café beans");
  assert.deepEqual(JSON.parse(created.text), created.data);
  await call(client, "create_task", { title: "Water plants" });
  await call(client, "create_task", { title: "Call the bank", priority_id: 4 });

  const searched = await call(client, "find_tasks", { search: "cafe" });
  assert.deepEqual(
    searched.data.items.map((task: { title: string }) => task.title),
    ["Buy café beans"],
  );
  const byTag = await call(client, "find_tasks", { tag_id: tag.data.id });
  assert.equal(byTag.data.page.total, 1);
  const sorted = await call(client, "find_tasks", { sort: "priority", order: "desc", limit: 2 });
  assert.deepEqual(
    sorted.data.items.map((task: { title: string }) => task.title),
    ["Call the bank", "Buy café beans"],
  );
  assert.ok(sorted.data.page.next_cursor);
  const next = await call(client, "find_tasks", {
    sort: "priority",
    order: "desc",
    limit: 2,
    cursor: sorted.data.page.next_cursor,
  });
  assert.deepEqual(
    next.data.items.map((task: { title: string }) => task.title),
    ["Water plants"],
  );

  const got = await call(client, "get_task", { id: created.data.id });
  assert.equal(got.data.version, created.data.version);
  const updated = await call(client, "update_task", {
    id: created.data.id,
    description: "Whole beans",
    if_match_version: got.data.version,
  });
  assert.equal(updated.isError, false, updated.text);
  assert.equal(updated.data.description, "Whole beans");
  const stale = await call(client, "update_task", {
    id: created.data.id,
    title: "Again",
    if_match_version: got.data.version,
  });
  assert.equal(stale.isError, true);
  assert.equal(stale.data.code, "precondition_failed");
  assert.equal(stale.data.current_version, updated.data.version);

  const done = await call(client, "complete_task", { id: created.data.id });
  assert.equal(done.data.completed, true);
  const doneAgain = await call(client, "complete_task", { id: created.data.id });
  assert.equal(doneAgain.data.completed, true, "completing twice keeps it completed (idempotent)");
  const reopened = await call(client, "complete_task", { id: created.data.id, completed: false });
  assert.equal(reopened.data.completed, false);
  const pending = await call(client, "find_tasks", { status: "pending" });
  assert.equal(pending.data.page.total, 3);

  const deleted = await call(client, "delete_task", { id: created.data.id });
  assert.equal(deleted.data.deleted.id, created.data.id);
  const gone = await call(client, "get_task", { id: created.data.id });
  assert.equal(gone.isError, true);
  assert.equal(gone.data.code, "not_found");
  const deletedAgain = await call(client, "delete_task", { id: created.data.id });
  assert.equal(deletedAgain.data.code, "not_found");
});

test("bad input is a tool error naming the field, and changes nothing", async (t) => {
  const api = await build(t);
  const ada = await api.signUp("Ada");
  const client = await connectMcp(api.baseUrl, ada.token);
  t.after(() => client.close());

  const cases: [string, Record<string, unknown>, string][] = [
    ["create_task", {}, "title"],
    ["create_task", { title: "   " }, "title"],
    ["create_task", { title: "x".repeat(201) }, "title"],
    ["create_task", { title: "Ok", due_date: "tomorrow" }, "due_date"],
    ["create_task", { title: "Ok", surprise: 1 }, "surprise"],
    ["get_task", { id: -1 }, "id"],
    ["find_tasks", { sort: "colour" }, "sort"],
    ["create_tag", { name: "Red", color: "red" }, "color"],
    [
      "create_recurring_task",
      { template_title: "Standup", recurrence_pattern: "hourly" },
      "recurrence_pattern",
    ],
  ];
  for (const [tool, args, field] of cases) {
    const result = await call(client, tool, args);
    assert.equal(result.isError, true, `${tool} ${JSON.stringify(args)}`);
    assert.match(result.text, new RegExp(field), `${tool} ${JSON.stringify(args)}: ${result.text}`);
  }
  // A reference to something that does not exist is the verb's own error, with its code.
  const unknownPriority = await call(client, "create_task", { title: "Ok", priority_id: 99 });
  assert.equal(unknownPriority.isError, true);
  assert.match(unknownPriority.data.code, /invalid_reference|validation_failed/);
  const tasks = await call(client, "find_tasks");
  assert.equal(tasks.data.page.total, 0);

  await call(client, "create_tag", { name: "Work" });
  const taken = await call(client, "create_tag", { name: "WORK" });
  assert.equal(taken.data.code, "tag_name_taken");
});

test("another user's ids are not found through MCP, and their data is never listed", async (t) => {
  const api = await build(t);
  const ada = await api.signUp("Ada");
  const bob = await api.signUp("Bob");
  const adaClient = await connectMcp(api.baseUrl, ada.token);
  const bobClient = await connectMcp(api.baseUrl, bob.token);
  t.after(async () => {
    await adaClient.close();
    await bobClient.close();
  });
  const task = (await call(bobClient, "create_task", { title: "Bob's secret" })).data;
  const tag = (await call(bobClient, "create_tag", { name: "Bob's tag" })).data;
  const template = (
    await call(bobClient, "create_recurring_task", {
      template_title: "Bob's standup",
      recurrence_pattern: "daily",
      next_occurrence: "2030-01-01T09:00:00Z",
    })
  ).data;

  for (const [tool, args] of [
    ["get_task", { id: task.id }],
    ["update_task", { id: task.id, title: "Mine now" }],
    ["complete_task", { id: task.id }],
    ["delete_task", { id: task.id }],
    ["rename_tag", { tag_id: tag.id, name: "Mine" }],
    ["create_task", { title: "Tagged with Bob's", tag_ids: [tag.id] }],
    ["preview_recurring_task", { id: template.id }],
  ] as const) {
    const result = await call(adaClient, tool, args);
    assert.equal(result.isError, true, `${tool}: ${result.text}`);
    assert.match(result.data.code, /not_found|invalid_reference/, `${tool}: ${result.text}`);
  }
  assert.equal((await call(adaClient, "find_tasks")).data.page.total, 0);
  assert.deepEqual((await call(adaClient, "list_tags")).data.items, []);
  await assert.rejects(adaClient.readResource({ uri: `todo://tasks/${task.id}` }), /not found/);
  const unchanged = (await call(bobClient, "get_task", { id: task.id })).data;
  assert.equal(unchanged.title, "Bob's secret");
  assert.equal(unchanged.completed, false);
});

test("tag, recurring-task and notification tools, resources and prompts", async (t) => {
  const api = await build(t);
  const ada = await api.signUp("Ada");
  const client = await connectMcp(api.baseUrl, ada.token);
  t.after(() => client.close());

  const tag = (await call(client, "create_tag", { name: "Errands" })).data;
  const renamed = await call(client, "rename_tag", { tag_id: tag.id, name: "Chores", color: "#112233" });
  assert.equal(renamed.data.name, "Chores");
  assert.equal(renamed.data.color, "#112233");
  const tags = await call(client, "list_tags");
  assert.deepEqual(
    tags.data.items.map((item: { name: string }) => item.name),
    ["Chores"],
  );
  const tagResource = await client.readResource({ uri: "todo://tags" });
  assert.deepEqual(JSON.parse(resourceText(tagResource)).items, tags.data.items);

  const template = await call(client, "create_recurring_task", {
    template_title: "Monthly report",
    recurrence_pattern: "monthly",
    next_occurrence: "2031-01-31T09:00:00Z",
    timezone: "UTC",
  });
  assert.equal(template.isError, false, template.text);
  const preview = await call(client, "preview_recurring_task", { id: template.data.id, count: 3 });
  assert.deepEqual(preview.data.occurrences, [
    "2031-01-31T09:00:00.000Z",
    "2031-02-28T09:00:00.000Z",
    "2031-03-31T09:00:00.000Z",
  ]);

  const task = (await call(client, "create_task", { title: "Read me" })).data;
  const resource = await client.readResource({ uri: `todo://tasks/${task.id}` });
  assert.equal(JSON.parse(resourceText(resource)).title, "Read me");
  assert.equal(resource.contents[0]!.mimeType, "application/json");

  // Notifications are written by the notification service; here two are put in place for Ada.
  const rows = await api.db
    .insertInto("notifications")
    .values(
      ["Due soon", "Done"].map((title) => ({
        user_id: ada.userId,
        event_id: randomUUID(),
        event_type: "task.due.approaching",
        task_id: task.id,
        title,
        body: title,
      })),
    )
    .returning("id")
    .execute();
  const list = await call(client, "list_notifications", { unread: "true" });
  assert.equal(list.data.unread_count, 2);
  const one = await call(client, "mark_notification_read", { id: rows[0]!.id });
  assert.equal(one.data.read, true);
  assert.equal((await call(client, "list_notifications")).data.unread_count, 1);
  const all = await call(client, "mark_all_notifications_read");
  assert.equal(all.data.updated, 1);
  const missing = await call(client, "mark_notification_read", { id: 2_000_000 });
  assert.equal(missing.data.code, "not_found");

  const { prompts } = await client.listPrompts();
  assert.deepEqual(prompts.map((p) => p.name).sort(), ["plan_my_day", "weekly_review"]);
  const plan = await client.getPrompt({ name: "plan_my_day", arguments: { timezone: "Europe/Paris" } });
  const text = plan.messages[0]!.content.type === "text" ? plan.messages[0]!.content.text : "";
  assert.match(text, /Europe\/Paris/);
  assert.match(text, /find_tasks/);
});

test("a change made through MCP is an event with source mcp, seen on the user's live stream", async (t) => {
  const api = await build(t);
  const ada = await api.signUp("Ada");
  const stream = openStream(`${api.baseUrl}/api/${ada.userId}/events/stream`, {
    authorization: `Bearer ${ada.token}`,
  });
  t.after(() => stream.close());
  await stream.ready;
  assert.equal(stream.status, 200);
  const client = await connectMcp(api.baseUrl, ada.token);
  t.after(() => client.close());

  const task = (await call(client, "create_task", { title: "From the assistant" })).data;
  await call(client, "complete_task", { id: task.id });
  const messages = await stream.waitFor(2);
  assert.deepEqual(
    messages.map((m) => m.event),
    ["task.created", "task.completed"],
  );
  for (const message of messages) {
    const payload = JSON.parse(message.data);
    assert.equal(payload.source, "mcp");
    assert.equal(payload.task_id, task.id);
  }
  const outbox = await api.db.selectFrom("outbox").select(["payload"]).execute();
  assert.ok(outbox.length >= 2);
});

test("/mcp without a token, or with an unknown one, is 401 with a pointer to the resource metadata", async (t) => {
  const api = await build(t);
  const body = { jsonrpc: "2.0", id: 1, method: "tools/list" };
  for (const authorization of [undefined, "Bearer not-a-real-token-at-all", "Basic abc"]) {
    const reply = await api.request("POST", "/mcp", {
      body,
      headers: { accept: "application/json, text/event-stream", ...(authorization ? { authorization } : {}) },
    });
    assert.equal(reply.status, 401, String(authorization));
    const challenge = reply.headers.get("www-authenticate") ?? "";
    assert.match(
      challenge,
      /^Bearer resource_metadata="http:\/\/localhost\/\.well-known\/oauth-protected-resource\/mcp"/,
    );
    assert.match(challenge, /scope="todo:read todo:write"/);
  }
  // A browser's session cookie alone does not reach the tools (a page could otherwise use them).
  const ada = await api.signUp("Ada");
  const cookie = await api.request("POST", "/mcp", {
    body,
    headers: {
      accept: "application/json, text/event-stream",
      cookie: `better-auth.session_token=${ada.token}`,
    },
  });
  assert.equal(cookie.status, 401);
});
