import assert from "node:assert/strict";
import { type TestContext, test } from "node:test";
import { assertProblem, buildApi } from "./api-helpers.ts";
import { fixedResolver, testConfig, waitFor } from "./helpers.ts";

// The whole API as `npm start` composes it (backend, notification routes, events consumed from the
// outbox driver), driven the way real clients drive it: two tabs, double clicks, retries.
async function setUp(t: TestContext) {
  const api = await buildApi(t, {
    config: testConfig({ webhooks: { allowPrivateNetworks: false, timeoutMs: 1000 } }),
    resolve: fixedResolver("93.184.216.34"),
  });
  await api.startPipeline();
  const user = await api.signUp("Ada");
  const base = `/api/${user.userId}`;
  const send = (
    method: string,
    path: string,
    init: { body?: unknown; headers?: Record<string, string> } = {},
  ) =>
    fetch(`${api.baseUrl}${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${user.token}`,
        ...(init.body !== undefined ? { "content-type": "application/json" } : {}),
        ...init.headers,
      },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    }).then(async (response) => {
      const text = await response.text();
      return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
    });
  return { api, user, base, send };
}

const completedNotifications = async (send: Awaited<ReturnType<typeof setUp>>["send"], taskId: number) =>
  (await send("GET", "/notifications?limit=100")).body.items.filter(
    (n: { event_type: string; task_id: number }) => n.event_type === "task.completed" && n.task_id === taskId,
  );

test("two simultaneous completes with {completed:true} leave the task completed with one notification; reopening withdraws it", async (t) => {
  const { send } = await setUp(t);
  const task = (await send("POST", "/tasks", { body: { title: "Pay rent" } })).body;
  const [a, b] = await Promise.all([
    send("PATCH", `/tasks/${task.id}/complete`, { body: { completed: true } }),
    send("PATCH", `/tasks/${task.id}/complete`, { body: { completed: true } }),
  ]);
  assert.equal(a.status, 200);
  assert.equal(b.status, 200);
  assert.equal(a.body.completed, true);
  assert.equal(b.body.completed, true);
  assert.equal((await send("GET", `/tasks/${task.id}`)).body.completed, true);
  await waitFor(
    async () => ((await completedNotifications(send, task.id)).length > 0 ? true : undefined),
    "the notification",
  );
  // Another complete after the notification exists still adds none.
  await send("PATCH", `/tasks/${task.id}/complete`, { body: { completed: true } });
  const marker = (await send("POST", "/tasks", { body: { title: "marker" } })).body;
  await send("PATCH", `/tasks/${marker.id}/complete`, { body: { completed: true } });
  await waitFor(
    async () => ((await completedNotifications(send, marker.id)).length > 0 ? true : undefined),
    "the marker",
  );
  assert.equal((await completedNotifications(send, task.id)).length, 1);

  const reopened = await send("PATCH", `/tasks/${task.id}/complete`, { body: { completed: false } });
  assert.equal(reopened.body.completed, false);
  await waitFor(
    async () => ((await completedNotifications(send, task.id)).length === 0 ? true : undefined),
    "the Completed notification withdrawn",
  );
  // Without a body, complete still toggles (the seed's contract).
  assert.equal((await send("PATCH", `/tasks/${task.id}/complete`)).body.completed, true);
  assert.equal((await send("PATCH", `/tasks/${task.id}/complete`)).body.completed, false);
  assertProblem(
    await send("PATCH", `/tasks/${task.id}/complete`, { body: { completed: "yes" } }),
    400,
    "validation_failed",
    "completed",
  );
});

test("versions: GET answers an ETag, If-None-Match gives 304, a stale If-Match is a 412 that changes nothing", async (t) => {
  const { send } = await setUp(t);
  const home = (await send("POST", "/tags", { body: { name: "home" } })).body;
  const created = await send("POST", "/tasks", { body: { title: "v1" } });
  assert.equal(created.headers.get("etag"), '"1"');
  const id = created.body.id;
  const read = await send("GET", `/tasks/${id}`);
  assert.equal(read.headers.get("etag"), '"1"');
  assert.equal(read.body.version, 1);
  const unchanged = await send("GET", `/tasks/${id}`, { headers: { "if-none-match": '"1"' } });
  assert.equal(unchanged.status, 304);
  assert.equal(unchanged.body, null);

  // Tab A saves first; tab B, still holding version 1, is refused.
  const a = await send("PUT", `/tasks/${id}`, { body: { title: "from A" }, headers: { "if-match": '"1"' } });
  assert.equal(a.status, 200);
  assert.equal(a.headers.get("etag"), '"2"');
  const b = await send("PUT", `/tasks/${id}`, { body: { title: "from B" }, headers: { "if-match": '"1"' } });
  assertProblem(b, 412, "precondition_failed");
  assert.equal(b.body.current_version, 2);
  assert.equal(b.headers.get("etag"), '"2"');
  // Replacing the tag list is guarded the same way.
  assertProblem(
    await send("PUT", `/tasks/${id}`, { body: { tag_ids: [home.id] }, headers: { "if-match": '"1"' } }),
    412,
    "precondition_failed",
  );
  assertProblem(
    await send("PATCH", `/tasks/${id}/complete`, {
      body: { completed: true },
      headers: { "if-match": '"1"' },
    }),
    412,
    "precondition_failed",
  );
  assertProblem(
    await send("DELETE", `/tasks/${id}`, { headers: { "if-match": '"1"' } }),
    412,
    "precondition_failed",
  );
  const now = (await send("GET", `/tasks/${id}`)).body;
  assert.equal(now.title, "from A");
  assert.deepEqual(now.tags, []);
  assert.equal(now.completed, false);
  assert.equal(now.version, 2);
  assert.equal((await send("GET", `/tasks/${id}`, { headers: { "if-none-match": '"1"' } })).status, 200);
  // Without If-Match the last write wins, as documented.
  assert.equal((await send("PUT", `/tasks/${id}`, { body: { title: "anyone" } })).body.version, 3);
  assert.equal((await send("DELETE", `/tasks/${id}`, { headers: { "if-match": '"3"' } })).status, 204);
});

test("tags, recurring templates and webhooks carry versions and honour If-Match the same way", async (t) => {
  const { send } = await setUp(t);
  const tag = (await send("POST", "/tags", { body: { name: "home" } })).body;
  assert.equal(tag.version, 1);
  const renamed = await send("PUT", `/tags/${tag.id}`, {
    body: { name: "house" },
    headers: { "if-match": '"1"' },
  });
  assert.equal(renamed.body.version, 2);
  assert.equal(renamed.headers.get("etag"), '"2"');
  assertProblem(
    await send("PUT", `/tags/${tag.id}`, { body: { name: "flat" }, headers: { "if-match": '"1"' } }),
    412,
    "precondition_failed",
  );
  assertProblem(
    await send("DELETE", `/tags/${tag.id}`, { headers: { "if-match": '"1"' } }),
    412,
    "precondition_failed",
  );
  assert.equal((await send("GET", "/tags")).body.items[0].name, "house");

  const template = await send("POST", "/recurring-tasks", {
    body: { template_title: "standup", recurrence_pattern: "daily", next_occurrence: "2027-01-01T09:00:00Z" },
  });
  const tplId = template.body.id;
  assert.equal((await send("GET", `/recurring-tasks/${tplId}`)).headers.get("etag"), '"1"');
  assert.equal(
    (await send("GET", `/recurring-tasks/${tplId}`, { headers: { "if-none-match": 'W/"1"' } })).status,
    304,
  );
  const changed = await send("PUT", `/recurring-tasks/${tplId}`, {
    body: { template_title: "sync" },
    headers: { "if-match": '"1"' },
  });
  assert.equal(changed.body.version, 2);
  const stale = await send("PUT", `/recurring-tasks/${tplId}`, {
    body: { template_title: "lost" },
    headers: { "if-match": '"1"' },
  });
  assertProblem(stale, 412, "precondition_failed");
  assert.equal(stale.body.current_version, 2);
  assertProblem(
    await send("DELETE", `/recurring-tasks/${tplId}`, { headers: { "if-match": '"1"' } }),
    412,
    "precondition_failed",
  );
  assert.equal((await send("GET", `/recurring-tasks/${tplId}`)).body.template_title, "sync");

  const hook = await send("POST", "/webhooks", {
    body: { url: "https://hooks.example.com/in", event_types: ["task.completed"] },
  });
  assert.equal(hook.body.version, 1);
  const one = await send("GET", `/webhooks/${hook.body.id}`);
  assert.equal(one.headers.get("etag"), '"1"');
  assert.equal(one.body.secret, undefined);
  assertProblem(
    await send("DELETE", `/webhooks/${hook.body.id}`, { headers: { "if-match": '"7"' } }),
    412,
    "precondition_failed",
  );
  assert.equal(
    (await send("DELETE", `/webhooks/${hook.body.id}`, { headers: { "if-match": '"1"' } })).status,
    204,
  );
  assertProblem(await send("DELETE", `/webhooks/${hook.body.id}`), 404, "not_found");
});

test("HTTP edges a generated client hits: an empty JSON body where none is taken, an upper-case user id", async (t) => {
  const { send, user, api } = await setUp(t);
  const task = (await send("POST", "/tasks", { body: { title: "edge" } })).body;
  const json = { "content-type": "application/json" };
  assert.equal((await send("PATCH", `/tasks/${task.id}/complete`, { headers: json })).body.completed, true);
  assert.equal((await send("POST", "/notifications/read-all", { headers: json })).status, 200);
  assert.equal((await send("DELETE", `/tasks/${task.id}`, { headers: json })).status, 204);
  // A route that takes a body still says it is missing.
  assertProblem(await send("POST", "/tasks", { headers: json }), 400, "validation_failed");
  const upper = await fetch(`${api.baseUrl}/api/${user.userId.toUpperCase()}/tasks`, {
    headers: { authorization: `Bearer ${user.token}` },
  });
  assert.equal(upper.status, 200);
});
