import assert from "node:assert/strict";
import { test } from "node:test";
import { assertProblem, build } from "./helpers.ts";
import { openStream } from "./sse-client.ts";

test("the live stream shows a user's task events, with event_id and schema_version, and no one else's", async (t) => {
  const api = await build(t);
  const alice = await api.signUp("Alice");
  const bob = await api.signUp("Bob");
  const aliceStream = openStream(`${api.baseUrl}/api/${alice.userId}/events/stream`, {
    authorization: `Bearer ${alice.token}`,
  });
  const bobStream = openStream(`${api.baseUrl}/api/${bob.userId}/events/stream`, {
    authorization: `Bearer ${bob.token}`,
  });
  t.after(() => {
    aliceStream.close();
    bobStream.close();
  });
  await Promise.all([aliceStream.ready, bobStream.ready]);
  assert.equal(aliceStream.status, 200);
  await new Promise((r) => setTimeout(r, 100));

  const req = (method: string, path: string, body?: unknown) =>
    api.request(method, `/api/${alice.userId}${path}`, { token: alice.token, ...(body ? { body } : {}) });
  const task = (await req("POST", "/tasks", { title: "Write tests" })).body;
  await req("PUT", `/tasks/${task.id}`, { title: "Write more tests" });
  await req("PATCH", `/tasks/${task.id}/complete`);
  await req("DELETE", `/tasks/${task.id}`);

  const messages = await aliceStream.waitFor(4);
  assert.deepEqual(
    messages.map((m) => m.event),
    ["task.created", "task.updated", "task.completed", "task.deleted"],
  );
  for (const message of messages) {
    const payload = JSON.parse(message.data);
    assert.equal(payload.event_type, message.event);
    assert.match(payload.event_id, /^[0-9a-f-]{36}$/);
    assert.equal(payload.schema_version, 1);
    assert.equal(payload.task_id, task.id);
    assert.equal(payload.user_id, alice.userId);
    assert.equal(payload.source, "backend");
    assert.ok(message.id, "each message carries a cursor");
  }
  assert.deepEqual(JSON.parse(messages[1]!.data).data.changed_fields, ["title"]);
  assert.equal(JSON.parse(messages[1]!.data).data.task.title, "Write more tests");
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(bobStream.messages, [], "Bob's stream saw none of Alice's events");
});

test("a reconnect with Last-Event-ID resumes right after it, without gaps or repeats", async (t) => {
  const api = await build(t);
  const user = await api.signUp();
  const headers = { authorization: `Bearer ${user.token}` };
  const url = `${api.baseUrl}/api/${user.userId}/events/stream`;
  const first = openStream(url, headers);
  await first.ready;
  await new Promise((r) => setTimeout(r, 100));
  const create = (title: string) =>
    api.request("POST", `/api/${user.userId}/tasks`, { token: user.token, body: { title } });
  await create("one");
  await create("two");
  const seen = await first.waitFor(2);
  first.close();

  // Written while disconnected.
  await create("three");
  await create("four");
  const resumed = openStream(url, { ...headers, "last-event-id": seen[1]!.id! });
  t.after(() => resumed.close());
  await resumed.ready;
  const after = await resumed.waitFor(2);
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(
    resumed.messages.map((m) => JSON.parse(m.data).data.task.title),
    ["three", "four"],
  );
  assert.ok(after.every((m) => m.id !== seen[0]!.id && m.id !== seen[1]!.id));
});

test("the stream needs the caller's own user id and a valid token", async (t) => {
  const api = await build(t);
  const alice = await api.signUp();
  const bob = await api.signUp();
  assertProblem(await api.request("GET", `/api/${alice.userId}/events/stream`), 401, "unauthorized");
  assertProblem(
    await api.request("GET", `/api/${alice.userId}/events/stream`, { token: bob.token }),
    403,
    "forbidden",
  );
});
