import assert from "node:assert/strict";
import { test } from "node:test";
import { SCHEMA_VERSION } from "@todo/contracts";
import { sql } from "kysely";
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
    assert.equal(payload.schema_version, SCHEMA_VERSION);
    assert.equal(payload.task_id, task.id);
    assert.equal(payload.user_id, alice.userId);
    assert.equal(payload.source, "api", "a bearer token is a REST API client");
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

/** Resolves when the stream has ended; fails the test if it is still open after a generous wait. */
async function endedOrFail(stream: ReturnType<typeof openStream>, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    stream.ended,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the stream is still open: ${what}`)), 20_000);
    }),
  ]);
  clearTimeout(timer);
}

test("a stream ends with its session: sign-out closes it before its answer; a session revoked elsewhere closes it at the next heartbeat", async (t) => {
  const api = await build(t, { liveStreams: { heartbeatMs: 200 } });
  const ada = await api.signUp("Ada");
  const path = `${api.baseUrl}/api/${ada.userId}/events/stream`;
  const stream = openStream(path, { authorization: `Bearer ${ada.token}` });
  t.after(() => stream.close());
  await stream.ready;
  assert.equal(stream.status, 200);

  let closedBeforeAnswer = false;
  void stream.ended.then(() => {
    closedBeforeAnswer = !signedOut;
  });
  let signedOut = false;
  const signOut = await api.request("POST", "/api/auth/sign-out", { token: ada.token, body: {} });
  signedOut = true;
  assert.equal(signOut.status, 200);
  await endedOrFail(stream, "after sign-out");
  assert.ok(closedBeforeAnswer, "the stream ended before sign-out answered");

  // A session deleted behind the server's back (another replica's sign-out, an expiry): the heartbeat notices.
  const bob = await api.signUp("Bob");
  const bobStream = openStream(`${api.baseUrl}/api/${bob.userId}/events/stream`, {
    authorization: `Bearer ${bob.token}`,
  });
  t.after(() => bobStream.close());
  await bobStream.ready;
  await sql`DELETE FROM sessions WHERE token = ${bob.token}`.execute(api.db);
  await endedOrFail(bobStream, "a heartbeat after the session was deleted");
  const again = openStream(`${api.baseUrl}/api/${bob.userId}/events/stream`, {
    authorization: `Bearer ${bob.token}`,
  });
  t.after(() => again.close());
  await again.ready;
  assert.equal(again.status, 401, "and the token opens no new one");
});

test("a user has at most N open streams: the oldest is closed", async (t) => {
  const api = await build(t, { liveStreams: { maxStreamsPerUser: 2 } });
  const ada = await api.signUp("Ada");
  const open = async () => {
    const stream = openStream(`${api.baseUrl}/api/${ada.userId}/events/stream`, {
      authorization: `Bearer ${ada.token}`,
    });
    t.after(() => stream.close());
    await stream.ready;
    return stream;
  };
  const first = await open();
  const second = await open();
  const third = await open();
  await endedOrFail(first, "the oldest of three");
  await api.request("POST", `/api/${ada.userId}/tasks`, { token: ada.token, body: { title: "Live" } });
  assert.equal((await second.waitFor(1))[0]!.event, "task.created");
  assert.equal((await third.waitFor(1))[0]!.event, "task.created");
});

test("a Last-Event-ID the server cannot serve gets a resync event, then live events", async (t) => {
  const api = await build(t);
  const ada = await api.signUp("Ada");
  const path = `${api.baseUrl}/api/${ada.userId}/events/stream`;
  const auth = { authorization: `Bearer ${ada.token}` };
  const first = openStream(path, auth);
  t.after(() => first.close());
  await first.ready;
  await api.request("POST", `/api/${ada.userId}/tasks`, { token: ada.token, body: { title: "Kept" } });
  const [created] = await first.waitFor(1);
  first.close();

  // A servable id resumes without resync.
  const resumed = openStream(path, { ...auth, "last-event-id": created!.id! });
  t.after(() => resumed.close());
  await resumed.ready;
  // The event past retention: pruned from the outbox.
  await api.db.deleteFrom("outbox").execute();
  const unservable = [
    ["past retention", created!.id!],
    ["ahead of the feed (another database)", "99999999999-99999"],
    ["out of range", "99999999999999999999-9999999999999999999"],
    ["malformed", "not-a-cursor"],
  ];
  const streams = unservable.map(([, id]) => {
    const stream = openStream(path, { ...auth, "last-event-id": id! });
    t.after(() => stream.close());
    return stream;
  });
  await Promise.all(streams.map((s) => s.ready));
  for (const [i, stream] of streams.entries()) {
    assert.equal(stream.status, 200, unservable[i]![0]);
    const [resync] = await stream.waitFor(1);
    assert.equal(resync!.event, "resync", unservable[i]![0]);
  }
  await api.request("POST", `/api/${ada.userId}/tasks`, { token: ada.token, body: { title: "After" } });
  for (const stream of streams) {
    const [, live] = await stream.waitFor(2);
    assert.equal(live!.event, "task.created");
    assert.equal(JSON.parse(live!.data).data.task.title, "After");
  }
  const [live] = await resumed.waitFor(1);
  assert.equal(
    JSON.parse(live!.data).data.task.title,
    "After",
    "the resumed stream had nothing to replay and no resync",
  );
});
