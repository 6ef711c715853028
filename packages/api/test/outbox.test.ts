import assert from "node:assert/strict";
import { test } from "node:test";
import type { EventTransport, OutboundEvent } from "@todo/events";
import { OutboxRelay } from "@todo/events";
import { createRegistry, silentLog } from "@todo/server";
import { build } from "./helpers.ts";

test("with the broker down the API keeps answering 2xx; after recovery every event goes out once, in order", async (t) => {
  const api = await build(t);
  const user = await api.signUp();
  const received: OutboundEvent[] = [];
  let down = true;
  const transport: EventTransport = {
    name: "flaky",
    async publish(message) {
      if (down) throw new Error("connection refused");
      received.push(message);
    },
  };
  const relay = new OutboxRelay({
    registry: createRegistry("test"),
    database: api.database,
    transport,
    log: silentLog,
    backoff: { initialMs: 10, maxMs: 50 },
  });
  await relay.start();

  const req = (method: string, path: string, body?: unknown) =>
    api.request(method, `/api/${user.userId}${path}`, { token: user.token, ...(body ? { body } : {}) });
  const ids: number[] = [];
  for (let i = 0; i < 10; i++) {
    const created = await req("POST", "/tasks", { title: `task ${i}` });
    assert.equal(created.status, 201);
    ids.push(created.body.id);
  }
  assert.equal((await req("PATCH", `/tasks/${ids[0]}/complete`)).status, 200);
  assert.equal((await req("DELETE", `/tasks/${ids[1]}`)).status, 204);
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(received.length, 0);
  const pending = await api.db.selectFrom("outbox").select("id").where("published_at", "is", null).execute();
  assert.equal(pending.length, 12, "every change waits in the outbox");

  down = false;
  const deadline = Date.now() + 10_000;
  while (received.length < 12 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 200));
  await relay.stop();
  assert.equal(received.length, 12, "none lost, none duplicated");
  assert.equal(new Set(received.map((m) => m.event.id)).size, 12);
  assert.deepEqual(
    received.map((m) => `${m.event.type} ${m.event.data.task_id}`),
    [...ids.map((id) => `task.created ${id}`), `task.completed ${ids[0]}`, `task.deleted ${ids[1]}`],
  );
});

test("a failed change writes no event: the change and its event commit together", async (t) => {
  const api = await build(t);
  const user = await api.signUp();
  const reply = await api.request("POST", `/api/${user.userId}/tasks`, {
    token: user.token,
    body: { title: "x", tag_ids: [999] },
  });
  assert.equal(reply.status, 400);
  assert.deepEqual(await api.db.selectFrom("outbox").select("id").execute(), []);
});
