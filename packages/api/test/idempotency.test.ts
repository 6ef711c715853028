import assert from "node:assert/strict";
import { test } from "node:test";
import { assertProblem, build, type TestApi } from "./helpers.ts";

async function setUp(api: TestApi) {
  const user = await api.signUp();
  const send = async (method: string, path: string, key: string | undefined, body?: unknown) => {
    const response = await fetch(`${api.baseUrl}/api/${user.userId}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${user.token}`,
        ...(key !== undefined ? { "idempotency-key": key } : {}),
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
  };
  return { user, send };
}

test("a repeated Idempotency-Key with the same body answers the first answer again and creates one task", async (t) => {
  const api = await build(t);
  const { send } = await setUp(api);
  const first = await send("POST", "/tasks", "create-milk-1", { title: "Buy milk" });
  assert.equal(first.status, 201);
  assert.equal(first.headers.get("idempotent-replayed"), null);
  const again = await send("POST", "/tasks", "create-milk-1", { title: "Buy milk" });
  assert.equal(again.status, 201);
  assert.equal(again.headers.get("idempotent-replayed"), "true");
  assert.deepEqual(again.body, first.body);
  assert.equal(again.headers.get("etag"), first.headers.get("etag"));
  const list = await send("GET", "/tasks", undefined);
  assert.equal(list.body.items.length, 1);
  // Exactly one event was written too.
  const events = await api.db
    .selectFrom("outbox")
    .select("id")
    .where("event_type", "=", "task.created")
    .execute();
  assert.equal(events.length, 1);

  // Another body under the same key is refused and changes nothing.
  const other = await send("POST", "/tasks", "create-milk-1", { title: "Buy bread" });
  assertProblem(other, 422, "idempotency_key_reused");
  assert.equal((await send("GET", "/tasks", undefined)).body.items.length, 1);
  // A new key is a new request.
  assert.equal((await send("POST", "/tasks", "create-milk-2", { title: "Buy milk" })).status, 201);
  assert.equal((await send("GET", "/tasks", undefined)).body.items.length, 2);
});

test("Idempotency-Key on complete, tag create and template create; keys are per user; bad keys are a 400", async (t) => {
  const api = await build(t);
  const { send, user } = await setUp(api);
  const task = (await send("POST", "/tasks", undefined, { title: "toggle me" })).body;
  // A toggle retried with its key toggles once.
  assert.equal((await send("PATCH", `/tasks/${task.id}/complete`, "tap-1")).body.completed, true);
  assert.equal((await send("PATCH", `/tasks/${task.id}/complete`, "tap-1")).body.completed, true);
  assert.equal((await send("GET", `/tasks/${task.id}`, undefined)).body.completed, true);

  assert.equal((await send("POST", "/tags", "tag-1", { name: "home" })).status, 201);
  const tagAgain = await send("POST", "/tags", "tag-1", { name: "home" });
  assert.equal(tagAgain.status, 201, "the first answer, not a 409 for the duplicate name");
  const template = {
    template_title: "standup",
    recurrence_pattern: "daily",
    next_occurrence: "2027-01-01T09:00:00Z",
  };
  const tpl = await send("POST", "/recurring-tasks", "tpl-1", template);
  assert.deepEqual((await send("POST", "/recurring-tasks", "tpl-1", template)).body, tpl.body);
  assert.equal((await send("GET", "/recurring-tasks", undefined)).body.items.length, 1);

  // Another user's identical key is theirs alone.
  const bo = await api.signUp("Bo");
  const boTask = await fetch(`${api.baseUrl}/api/${bo.userId}/tasks`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${bo.token}`,
      "content-type": "application/json",
      "idempotency-key": "tag-1",
    },
    body: JSON.stringify({ title: "Bo's" }),
  });
  assert.equal(boTask.status, 201);
  assert.notEqual(user.userId, bo.userId);

  for (const bad of ["", "x".repeat(256), "with space", "tab\tin"]) {
    const reply = await send("POST", "/tasks", bad, { title: "x" });
    assertProblem(reply, 400, "validation_failed");
    assert.equal(reply.body.errors[0].field, "Idempotency-Key");
  }
});

test("a key whose first request is still running is a 409; an expired key starts afresh", async (t) => {
  const api = await build(t);
  const { send, user } = await setUp(api);
  await api.db
    .insertInto("idempotency_keys")
    .values({ user_id: user.userId, key: "busy", request_hash: "whatever" })
    .execute();
  assertProblem(await send("POST", "/tasks", "busy", { title: "x" }), 422, "idempotency_key_reused");
  const first = await send("POST", "/tasks", "running", { title: "x" });
  await api.db.updateTable("idempotency_keys").set({ status: null }).where("key", "=", "running").execute();
  assertProblem(await send("POST", "/tasks", "running", { title: "x" }), 409, "idempotency_key_in_use");
  await api.db
    .updateTable("idempotency_keys")
    .set({ created_at: new Date(Date.now() - 25 * 3600_000) } as never)
    .where("key", "=", "running")
    .execute();
  const fresh = await send("POST", "/tasks", "running", { title: "x" });
  assert.equal(fresh.status, 201);
  assert.notEqual(fresh.body.id, first.body.id);
});

test("the OpenAPI document describes If-Match, If-None-Match, Idempotency-Key and the 304, 412 and 422 answers", async (t) => {
  const api = await build(t);
  const doc = (await api.request("GET", "/docs/json")).body;
  const op = (path: string, method: string) => doc.paths[path][method];
  const headerNames = (path: string, method: string) =>
    (op(path, method).parameters ?? [])
      .filter((p: { in: string }) => p.in === "header")
      .map((p: { name: string }) => p.name);
  assert.ok(headerNames("/api/{user_id}/tasks", "post").includes("idempotency-key"));
  assert.ok(headerNames("/api/{user_id}/tasks/{id}", "put").includes("if-match"));
  assert.ok(headerNames("/api/{user_id}/tasks/{id}", "delete").includes("if-match"));
  assert.ok(headerNames("/api/{user_id}/tasks/{id}", "get").includes("if-none-match"));
  assert.ok(headerNames("/api/{user_id}/tasks/{id}/complete", "patch").includes("idempotency-key"));
  assert.ok(headerNames("/api/{user_id}/recurring-tasks/{id}", "put").includes("if-match"));
  assert.ok(headerNames("/api/{user_id}/tags/{tag_id}", "put").includes("if-match"));
  assert.ok(op("/api/{user_id}/tasks/{id}", "get").responses["304"]);
  assert.ok(op("/api/{user_id}/tasks/{id}", "put").responses["412"]);
  assert.ok(op("/api/{user_id}/tasks", "post").responses["422"]);
  assert.ok(op("/api/{user_id}/tasks/{id}", "get").responses["200"].headers?.etag);
  assert.ok(op("/api/{user_id}/tasks", "post").responses["201"].headers?.["idempotent-replayed"]);
});
