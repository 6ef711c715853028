import assert from "node:assert/strict";
import { test } from "node:test";
import { assertProblem, buildActivityApi } from "./helpers.ts";

test("a task's story: created → priority changed → completed → reopened → deleted, in order, each once, readable after the delete", async (t) => {
  const api = await buildActivityApi(t);
  const alice = await api.signUp("Alice");
  const base = `/api/${alice.userId}/tasks`;
  const created = await api.request("POST", base, {
    token: alice.token,
    body: { title: "Pay rent", priority_id: 3 },
  });
  assert.equal(created.status, 201);
  const id = created.body.id as number;
  assert.equal(
    (await api.request("PUT", `${base}/${id}`, { token: alice.token, body: { priority_id: 4 } })).status,
    200,
  );
  assert.equal(
    (await api.request("PATCH", `${base}/${id}/complete`, { token: alice.token, body: { completed: true } }))
      .status,
    200,
  );
  assert.equal(
    (await api.request("PATCH", `${base}/${id}/complete`, { token: alice.token, body: { completed: false } }))
      .status,
    200,
  );
  assert.equal((await api.request("DELETE", `${base}/${id}`, { token: alice.token })).status, 204);

  const items = await api.story(alice, id, 5);
  assert.deepEqual(
    items.map((e: { event_type: string }) => e.event_type),
    ["task.created", "task.updated", "task.completed", "task.updated", "task.deleted"],
  );
  assert.deepEqual(items[1].changes, [{ field: "priority", before: "High", after: "Critical" }]);
  assert.deepEqual(items[3].changes, [{ field: "completed", before: true, after: false }]);
  for (const entry of items) {
    assert.equal(entry.actor, "api", "a bearer token is a REST API client");
    assert.equal(entry.actor_user_id, alice.userId);
    assert.equal(entry.task_title, "Pay rent");
    assert.equal(entry.template, null);
  }
  assert.deepEqual(items[0].changes, []);

  // The user's activity: newest first, and filters by type.
  const all = await api.request("GET", `/api/${alice.userId}/activity`, { token: alice.token });
  assert.equal(all.status, 200);
  assert.deepEqual(
    all.body.items.map((e: { event_type: string }) => e.event_type),
    ["task.deleted", "task.updated", "task.completed", "task.updated", "task.created"],
  );
  const updates = await api.request(
    "GET",
    `/api/${alice.userId}/activity?event_type=task.created&event_type=task.deleted&task_id=${id}`,
    { token: alice.token },
  );
  assert.deepEqual(
    updates.body.items.map((e: { event_type: string }) => e.event_type),
    ["task.deleted", "task.created"],
  );
});

test("the same event delivered again writes no second row", async (t) => {
  const api = await buildActivityApi(t);
  const alice = await api.signUp("Alice");
  const created = await api.request("POST", `/api/${alice.userId}/tasks`, {
    token: alice.token,
    body: { title: "Once" },
  });
  await api.story(alice, created.body.id, 1);
  const { payload } = await api.db
    .selectFrom("outbox")
    .select("payload")
    .where("event_type", "=", "task.created")
    .executeTakeFirstOrThrow();
  const event = typeof payload === "string" ? JSON.parse(payload) : payload;
  assert.deepEqual(await api.service.handle({ specversion: "1.0", id: event.event_id, data: event }), {
    outcome: "SUCCESS",
    note: "duplicate",
  });
  // Past the processed mark too: the unique event_id keeps the row single.
  await api.db.deleteFrom("processed_events").where("consumer", "=", "audit-service").execute();
  assert.equal((await api.service.handle(event)).outcome, "SUCCESS");
  const rows = await api.db
    .selectFrom("task_activity")
    .select("id")
    .where("event_id", "=", event.event_id)
    .execute();
  assert.equal(rows.length, 1);
});

test("activity is keyset-paged both ways: every entry once, none skipped", async (t) => {
  const api = await buildActivityApi(t);
  const alice = await api.signUp("Alice");
  const created = await api.request("POST", `/api/${alice.userId}/tasks`, {
    token: alice.token,
    body: { title: "t0" },
  });
  const id = created.body.id as number;
  for (let i = 1; i <= 6; i++) {
    await api.request("PUT", `/api/${alice.userId}/tasks/${id}`, {
      token: alice.token,
      body: { title: `t${i}` },
    });
  }
  await api.story(alice, id, 7);
  for (const [path, order] of [
    [`/api/${alice.userId}/tasks/${id}/activity`, "asc"],
    [`/api/${alice.userId}/activity`, "desc"],
  ] as const) {
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const reply = await api.request("GET", `${path}?limit=3${cursor ? `&cursor=${cursor}` : ""}`, {
        token: alice.token,
      });
      assert.equal(reply.status, 200);
      assert.ok(reply.body.items.length <= 3);
      seen.push(...reply.body.items.map((e: { id: number }) => e.id));
      cursor = reply.body.next_cursor;
    } while (cursor);
    assert.equal(seen.length, 7);
    assert.equal(new Set(seen).size, 7);
    const sorted = [...seen].sort((a, b) => (order === "asc" ? a - b : b - a));
    assert.deepEqual(seen, sorted);
  }
});

test("bad filters and cursors are 400 problems naming the field", async (t) => {
  const api = await buildActivityApi(t);
  const alice = await api.signUp("Alice");
  const path = `/api/${alice.userId}/activity`;
  const get = (query: string) => api.request("GET", `${path}?${query}`, { token: alice.token });
  assertProblem(await get("event_type=task.eaten"), 400, "validation_failed", "event_type");
  assertProblem(await get("from=yesterday"), 400, "validation_failed", "from");
  assertProblem(await get("limit=201"), 400, "validation_failed", "limit");
  assertProblem(await get("task_id=abc"), 400, "validation_failed", "task_id");
  assertProblem(await get("cursor=not-a-cursor"), 400, "validation_failed", "cursor");
  assertProblem(
    await get("from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z"),
    400,
    "validation_failed",
    "from",
  );
  // A cursor of one task's story is not a cursor of another's, nor of the whole log.
  const created = await api.request("POST", `/api/${alice.userId}/tasks`, {
    token: alice.token,
    body: { title: "a" },
  });
  await api.request("PUT", `/api/${alice.userId}/tasks/${created.body.id}`, {
    token: alice.token,
    body: { title: "b" },
  });
  await api.story(alice, created.body.id, 2);
  const first = await api.request("GET", `/api/${alice.userId}/tasks/${created.body.id}/activity?limit=1`, {
    token: alice.token,
  });
  assert.ok(first.body.next_cursor);
  assertProblem(await get(`cursor=${first.body.next_cursor}`), 400, "validation_failed", "cursor");
});

test("isolation: another user's activity is 403, another user's task history is 404, and lists hold only one's own", async (t) => {
  const api = await buildActivityApi(t);
  const alice = await api.signUp("Alice");
  const bob = await api.signUp("Bob");
  const created = await api.request("POST", `/api/${alice.userId}/tasks`, {
    token: alice.token,
    body: { title: "Alice's" },
  });
  await api.story(alice, created.body.id, 1);
  assertProblem(
    await api.request("GET", `/api/${alice.userId}/activity`, { token: bob.token }),
    403,
    "forbidden",
  );
  assertProblem(
    await api.request("GET", `/api/${alice.userId}/tasks/${created.body.id}/activity`, { token: bob.token }),
    403,
    "forbidden",
  );
  assertProblem(
    await api.request("GET", `/api/${bob.userId}/tasks/${created.body.id}/activity`, { token: bob.token }),
    404,
    "not_found",
  );
  const bobs = await api.request("GET", `/api/${bob.userId}/activity?task_id=${created.body.id}`, {
    token: bob.token,
  });
  assert.deepEqual(bobs.body, { items: [], next_cursor: null });
  assert.equal((await api.request("GET", `/api/${alice.userId}/activity`)).status, 401);
});

test("the OpenAPI document describes both activity routes with their schemas", async (t) => {
  const api = await buildActivityApi(t);
  const reply = await api.request("GET", "/docs/json");
  assert.equal(reply.status, 200);
  const paths = reply.body.paths;
  const list = paths["/api/{user_id}/activity"]?.get;
  const story = paths["/api/{user_id}/tasks/{id}/activity"]?.get;
  assert.ok(list && story, Object.keys(paths).join(", "));
  assert.ok(list.parameters.some((p: { name: string }) => p.name === "event_type"));
  assert.ok(list.responses["200"].content["application/json"].schema);
});
