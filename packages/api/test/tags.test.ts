import assert from "node:assert/strict";
import { test } from "node:test";
import { assertProblem, build } from "./helpers.ts";

test("tags: create, list with task counts, rename, recolor, delete", async (t) => {
  const api = await build(t);
  const { userId, token } = await api.signUp();
  const req = (method: string, path: string, body?: unknown) =>
    api.request(method, `/api/${userId}${path}`, { token, ...(body !== undefined ? { body } : {}) });

  const home = await req("POST", "/tags", { name: "home" });
  assert.equal(home.status, 201);
  assert.equal(home.body.color, "#6B7280", "the seed's default color");
  const work = (await req("POST", "/tags", { name: "work", color: "#EF4444" })).body;
  await req("POST", "/tasks", { title: "a", tag_ids: [work.id] });
  await req("POST", "/tasks", { title: "b", tag_ids: [work.id, home.body.id] });

  const list = (await req("GET", "/tags")).body.items;
  assert.deepEqual(
    list.map((g: { name: string; task_count: number }) => [g.name, g.task_count]),
    [
      ["home", 1],
      ["work", 2],
    ],
  );

  const renamed = await req("PUT", `/tags/${work.id}`, { name: "office", color: "#111111" });
  assert.equal(renamed.status, 200);
  assert.deepEqual(
    [renamed.body.name, renamed.body.color, renamed.body.task_count],
    ["office", "#111111", 2],
  );

  assert.equal((await req("DELETE", `/tags/${home.body.id}`)).status, 204);
  const tasks = (await req("GET", "/tasks?sort=title")).body.items;
  assert.deepEqual(
    tasks.map((x: { tags: { name: string }[] }) => x.tags.map((g) => g.name)),
    [["office"], ["office"]],
    "deleting a tag removes it from its tasks, not the tasks",
  );
  assertProblem(await req("DELETE", `/tags/${home.body.id}`), 404, "not_found");
});

test("a duplicate tag name is a 409 problem, on create and on rename", async (t) => {
  const api = await build(t);
  const { userId, token } = await api.signUp();
  const req = (method: string, path: string, body?: unknown) =>
    api.request(method, `/api/${userId}${path}`, { token, ...(body !== undefined ? { body } : {}) });
  await req("POST", "/tags", { name: "home" });
  const other = (await req("POST", "/tags", { name: "work" })).body;
  assertProblem(await req("POST", "/tags", { name: "home" }), 409, "tag_name_taken");
  assertProblem(await req("PUT", `/tags/${other.id}`, { name: "home" }), 409, "tag_name_taken");
  assert.equal((await req("GET", "/tags")).body.items.length, 2);
});

test("bad tag input is a 400 problem naming the field", async (t) => {
  const api = await build(t);
  const { userId, token } = await api.signUp();
  const post = (body: unknown) => api.request("POST", `/api/${userId}/tags`, { token, body });
  for (const [body, field] of [
    [{ name: "" }, "name"],
    [{ name: "x".repeat(51) }, "name"],
    [{ name: "ok", color: "red" }, "color"],
  ] as const) {
    const reply = await post(body);
    assertProblem(reply, 400, "validation_failed");
    assert.equal(reply.body.errors[0].field, field);
  }
  assertProblem(
    await api.request("PUT", `/api/${userId}/tags/1`, { token, body: {} }),
    400,
    "validation_failed",
  );
});
