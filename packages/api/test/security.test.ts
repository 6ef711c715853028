import assert from "node:assert/strict";
import { test } from "node:test";
import { assertProblem, build } from "./helpers.ts";

// Every user-scoped route, with a body that would be valid for its owner.
const routes: [method: string, path: (ids: Ids) => string, body?: unknown][] = [
  ["GET", () => "/tasks"],
  ["POST", () => "/tasks", { title: "x" }],
  ["GET", (ids) => `/tasks/${ids.task}`],
  ["PUT", (ids) => `/tasks/${ids.task}`, { title: "stolen" }],
  ["PATCH", (ids) => `/tasks/${ids.task}/complete`],
  ["DELETE", (ids) => `/tasks/${ids.task}`],
  ["GET", () => "/tags"],
  ["POST", () => "/tags", { name: "mine" }],
  ["PUT", (ids) => `/tags/${ids.tag}`, { name: "stolen" }],
  ["DELETE", (ids) => `/tags/${ids.tag}`],
  ["GET", () => "/recurring-tasks"],
  [
    "POST",
    () => "/recurring-tasks",
    { template_title: "x", recurrence_pattern: "daily", next_occurrence: "2027-01-01T00:00:00Z" },
  ],
  ["GET", (ids) => `/recurring-tasks/${ids.template}`],
  ["PUT", (ids) => `/recurring-tasks/${ids.template}`, { template_title: "stolen" }],
  ["DELETE", (ids) => `/recurring-tasks/${ids.template}`],
  ["GET", (ids) => `/recurring-tasks/${ids.template}/preview`],
];
type Ids = { task: number; tag: number; template: number };

test("isolation on every route: 401 without a token, 403 on another user's path, 404 for another user's object", async (t) => {
  const api = await build(t);
  const alice = await api.signUp("Alice");
  const bob = await api.signUp("Bob");
  const asAlice = (method: string, path: string, body?: unknown) =>
    api.request(method, `/api/${alice.userId}${path}`, {
      token: alice.token,
      ...(body !== undefined ? { body } : {}),
    });
  const aliceIds: Ids = {
    tag: (await asAlice("POST", "/tags", { name: "secret" })).body.id,
    task: (await asAlice("POST", "/tasks", { title: "Alice's task" })).body.id,
    template: (
      await asAlice("POST", "/recurring-tasks", {
        template_title: "Alice's routine",
        recurrence_pattern: "daily",
        next_occurrence: "2027-01-01T00:00:00Z",
      })
    ).body.id,
  };

  for (const [method, path, body] of routes) {
    const label = `${method} ${path(aliceIds)}`;
    const opts = body !== undefined ? { body } : {};
    const anonymous = await api.request(method, `/api/${alice.userId}${path(aliceIds)}`, opts);
    assertProblem(anonymous, 401, "unauthorized");
    const crossPath = await api.request(method, `/api/${alice.userId}${path(aliceIds)}`, {
      token: bob.token,
      ...opts,
    });
    assert.equal(crossPath.status, 403, `${label} on Alice's path with Bob's token`);
    assertProblem(crossPath, 403, "forbidden");
    const notUuid = await api.request(method, `/api/not-a-user${path(aliceIds)}`, {
      token: bob.token,
      ...opts,
    });
    assertProblem(notUuid, 403, "forbidden");
    if (/\d/.test(path(aliceIds))) {
      const crossObject = await api.request(method, `/api/${bob.userId}${path(aliceIds)}`, {
        token: bob.token,
        ...opts,
      });
      assertProblem(crossObject, 404, "not_found");
    }
  }

  // Bob's writes to Alice's objects changed nothing, and Bob cannot use Alice's tag.
  const task = (await asAlice("GET", `/tasks/${aliceIds.task}`)).body;
  assert.equal(task.title, "Alice's task");
  assert.equal(task.completed, false);
  assert.equal((await asAlice("GET", "/tags")).body.items[0].name, "secret");
  const bobWithAlicesTag = await api.request("POST", `/api/${bob.userId}/tasks`, {
    token: bob.token,
    body: { title: "x", tag_ids: [aliceIds.tag] },
  });
  assertProblem(bobWithAlicesTag, 400, "invalid_reference");
  const bobList = await api.request("GET", `/api/${bob.userId}/tasks`, { token: bob.token });
  assert.deepEqual(bobList.body.items, []);
});

test("priorities are public; health and readiness answer; OpenAPI is served at /docs", async (t) => {
  const api = await build(t);
  const priorities = await api.request("GET", "/api/priorities");
  assert.deepEqual(
    priorities.body.items.map((p: { name: string }) => p.name),
    ["Low", "Medium", "High", "Critical"],
  );
  assert.deepEqual((await api.request("GET", "/healthz")).body, { status: "ok" });
  const ready = await api.request("GET", "/readyz");
  assert.equal(ready.status, 200);
  assert.equal(ready.body.checks.database, "ok");
  const spec = await api.request("GET", "/docs/json");
  assert.equal(spec.status, 200);
  for (const path of [
    "/api/priorities",
    "/api/{user_id}/tasks",
    "/api/{user_id}/tasks/{id}/complete",
    "/api/auth/sign-up/email",
  ]) {
    assert.ok(spec.body.paths[path], `OpenAPI documents ${path}`);
  }
  const metrics = await fetch(`${api.baseUrl}/metrics`).then((r) => r.text());
  assert.match(
    metrics,
    /http_request_duration_seconds_count\{service="backend",method="GET",route="\/api\/priorities",status_code="200"\} 1/,
  );
  assertProblem(await api.request("GET", "/api/nowhere/at/all"), 404, "not_found");
});
