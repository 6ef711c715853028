import assert from "node:assert/strict";
import { test } from "node:test";
import { openTestDatabase } from "@todo/db/testing";
import { createRegistry } from "@todo/server";
import { waitFor } from "@todo/server/testing";
import { recordEvent } from "../src/outbox-writer.ts";
import { OutboxRelay } from "../src/relay.ts";
import {
  createUser,
  pendingCount,
  quietLog,
  recordingBulkTransport,
  recordingTransport,
  taskSnapshot,
} from "./fixtures.ts";

async function writeEvents(
  database: Awaited<ReturnType<typeof openTestDatabase>>,
  userId: string,
  count: number,
  from = 1,
) {
  for (let i = from; i < from + count; i++) {
    await recordEvent(database.db, {
      event_type: "task.created",
      task_id: i,
      user_id: userId,
      data: { task: taskSnapshot(userId, i) },
    });
  }
}

test("the relay publishes outbox rows as CloudEvents keyed by user, and marks them published", async (t) => {
  const database = await openTestDatabase();
  t.after(() => database.close());
  const userId = await createUser(database);
  await writeEvents(database, userId, 3);
  const { transport, received } = recordingTransport();
  const relay = new OutboxRelay({ registry: createRegistry("test"), database, transport, log: quietLog });
  assert.equal(await relay.drain(), 3);
  assert.deepEqual(
    received.map((m) => m.event.data.task_id),
    [1, 2, 3],
  );
  const first = received[0]!;
  assert.equal(first.topic, "task-events");
  assert.equal(first.partitionKey, userId);
  assert.equal(first.event.specversion, "1.0");
  assert.equal(first.event.type, "task.created");
  assert.equal(first.event.id, first.event.data.event_id);
  assert.equal(await pendingCount(database), 0);
  assert.equal(await relay.drain(), 0, "nothing is published twice");
});

test("while the transport fails, events wait with attempts and the error recorded; after recovery all go out in order, once", async (t) => {
  const database = await openTestDatabase();
  t.after(() => database.close());
  const userId = await createUser(database);
  const { transport, received, state } = recordingTransport();
  const relay = new OutboxRelay({ registry: createRegistry("test"), database, transport, log: quietLog });
  state.down = true;
  await writeEvents(database, userId, 5);
  assert.equal(await relay.drain(), 0);
  assert.equal(await relay.drain(), 0);
  const first = await database.db.selectFrom("outbox").selectAll().orderBy("id").executeTakeFirstOrThrow();
  assert.equal(first.attempts, 2);
  assert.match(first.last_error ?? "", /broker unavailable/);
  assert.equal(state.calls, 2, "a failure stops the batch: later events must not overtake");

  state.down = false;
  await writeEvents(database, userId, 2, 6);
  assert.equal(await relay.drain(), 7);
  assert.deepEqual(
    received.map((m) => m.event.data.task_id),
    [1, 2, 3, 4, 5, 6, 7],
  );
  assert.equal(new Set(received.map((m) => m.event.id)).size, 7);
});

test("the running relay is woken by commits, backs off while failing, and drains on recovery", async (t) => {
  const database = await openTestDatabase();
  t.after(() => database.close());
  const userId = await createUser(database);
  const { transport, received, state } = recordingTransport();
  const relay = new OutboxRelay({
    registry: createRegistry("test"),
    database,
    transport,
    log: quietLog,
    pollIntervalMs: 60_000,
    backoff: { initialMs: 20, maxMs: 100 },
  });
  await relay.start();

  await writeEvents(database, userId, 1);
  await waitFor(() => received.length === 1, "woken by NOTIFY, long before the 60 s poll");

  state.down = true;
  await writeEvents(database, userId, 3, 2);
  await waitFor(() => state.calls >= 4, "retrying while down");
  assert.equal(received.length, 1);
  state.down = false;
  await waitFor(() => received.length === 4, "drained after recovery");
  assert.deepEqual(
    received.map((m) => m.event.data.task_id),
    [1, 2, 3, 4],
  );
  await relay.stop();
});

test("two relays at once publish every event exactly once, each user's events in order", async (t) => {
  const database = await openTestDatabase();
  t.after(() => database.close());
  const users = [
    await createUser(database, "a"),
    await createUser(database, "b"),
    await createUser(database, "c"),
  ];
  for (let round = 0; round < 40; round++) {
    for (const userId of users) await writeEvents(database, userId, 1, round + 1);
  }
  const { transport, received } = recordingTransport();
  const slow = {
    ...transport,
    publish: async (m: Parameters<typeof transport.publish>[0]) => {
      await new Promise((r) => setImmediate(r));
      return transport.publish(m);
    },
  };
  const relays = [1, 2].map(
    () =>
      new OutboxRelay({
        registry: createRegistry("test"),
        database,
        transport: slow,
        log: quietLog,
        batchSize: 7,
      }),
  );
  await Promise.all(relays.map((relay) => relay.drain()));
  await Promise.all(relays.map((relay) => relay.drain()));
  assert.equal(received.length, 120);
  assert.equal(new Set(received.map((m) => m.event.id)).size, 120, "no event published twice");
  for (const userId of users) {
    const order = received.filter((m) => m.partitionKey === userId).map((m) => m.event.data.task_id);
    assert.deepEqual(
      order,
      [...order].sort((a, b) => (a ?? 0) - (b ?? 0)),
      `user ${userId} in order`,
    );
  }
});

test("a bulk transport gets the batch in layers: each call holds at most one event per user, and each user's events go out in order", async (t) => {
  const database = await openTestDatabase();
  t.after(() => database.close());
  const [a, b, c] = await Promise.all(["a", "b", "c"].map((name) => createUser(database, name)));
  // As the commits came: a1 b1 a2 c1 a3 c2, and a notification event of b's (another topic).
  await writeEvents(database, a!, 1, 1);
  await writeEvents(database, b!, 1, 1);
  await writeEvents(database, a!, 1, 2);
  await writeEvents(database, c!, 1, 1);
  await writeEvents(database, a!, 1, 3);
  await writeEvents(database, c!, 1, 2);
  await recordEvent(database.db, {
    event_type: "notification.send",
    task_id: 1,
    user_id: b!,
    data: { title: "Due soon", body: "task 1" },
  });
  const { transport, received, calls, state } = recordingBulkTransport();
  const relay = new OutboxRelay({ registry: createRegistry("test"), database, transport, log: quietLog });

  assert.equal(await relay.drain(), 7);
  assert.equal(state.mostInFlight, 1, "a layer goes out only after the one before it was answered");
  const shape = calls.map((entries) =>
    entries.map((e) => `${[a, b, c].indexOf(e.partitionKey)}:${e.topic}:${e.event.data.task_id}`),
  );
  assert.deepEqual(shape, [
    ["0:task-events:1", "1:task-events:1", "2:task-events:1"],
    ["0:task-events:2", "2:task-events:2", "1:notification-events:1"],
    ["0:task-events:3"],
  ]);
  for (const entries of calls) {
    assert.equal(
      new Set(entries.map((e) => e.partitionKey)).size,
      entries.length,
      "one entry per user a call",
    );
    assert.equal(new Set(entries.map((e) => e.entryId)).size, entries.length, "entry ids unique in a call");
  }
  assert.equal(new Set(received.map((m) => m.event.id)).size, 7);
  assert.equal(await pendingCount(database), 0);
  assert.equal(await relay.drain(), 0, "nothing is published twice");
});

test("a bulk transport's failed entry holds that user's later events while the others go on; a call that fails whole ends the batch", async (t) => {
  const database = await openTestDatabase();
  t.after(() => database.close());
  const users = await Promise.all(["a", "b", "c"].map((name) => createUser(database, name)));
  for (let round = 1; round <= 3; round++) {
    for (const userId of users) await writeEvents(database, userId, 1, round);
  }
  const { transport, received, calls, state } = recordingBulkTransport();
  const relay = new OutboxRelay({ registry: createRegistry("test"), database, transport, log: quietLog });
  const sent = (userId: string) =>
    received.filter((m) => m.partitionKey === userId).map((m) => m.event.data.task_id);
  const failing = users[1]!;
  state.fail = (entry) =>
    entry.partitionKey === failing && entry.event.data.task_id === 2 ? "kafka: message rejected" : undefined;

  assert.equal(await relay.drain(), 7);
  assert.deepEqual(sent(users[0]!), [1, 2, 3]);
  assert.deepEqual(sent(failing), [1], "the failed event and the user's later one wait");
  assert.deepEqual(sent(users[2]!), [1, 2, 3]);
  assert.ok(
    calls[2]!.every((e) => e.partitionKey !== failing),
    "the failed user's third event was not offered after its second failed",
  );
  const waiting = await database.db
    .selectFrom("outbox")
    .select(["attempts", "last_error", "lease_owner"])
    .where("published_at", "is", null)
    .orderBy("id")
    .execute();
  assert.deepEqual(
    waiting.map((r) => [r.attempts, r.last_error, r.lease_owner]),
    [
      [1, "kafka: message rejected", null],
      [0, null, null],
    ],
    "the failure is recorded on its row; the held row is not charged an attempt; both leases given back",
  );

  // The broker down: the first call throws, nothing more is tried in that batch.
  state.fail = () => undefined;
  state.down = true;
  const callsBefore = calls.length;
  assert.equal(await relay.drain(), 0);
  assert.equal(calls.length, callsBefore + 1, "one call, then the batch ends");
  state.down = false;
  assert.equal(await relay.drain(), 2);
  assert.deepEqual(sent(failing), [1, 2, 3], "in order after recovery");
  assert.equal(new Set(received.map((m) => m.event.id)).size, 9, "no event published twice");
  assert.equal(await pendingCount(database), 0);
});

test("a bulk answer that names an entry the relay did not send is not trusted: the whole layer counts as failed", async (t) => {
  const database = await openTestDatabase();
  t.after(() => database.close());
  const users = await Promise.all(["a", "b"].map((name) => createUser(database, name)));
  for (const userId of users) await writeEvents(database, userId, 1);
  const { transport, state } = recordingBulkTransport();
  const relay = new OutboxRelay({ registry: createRegistry("test"), database, transport, log: quietLog });
  state.alsoNamed = ["999999"];
  assert.deepEqual(await relay.publishBatch(), { published: 0, failed: true });
  const rows = await database.db
    .selectFrom("outbox")
    .select(["attempts", "last_error", "published_at"])
    .execute();
  assert.deepEqual(
    rows.map((r) => [r.attempts, r.published_at, r.last_error]),
    [
      [1, null, "bulk publish answer names unknown entry 999999"],
      [1, null, "bulk publish answer names unknown entry 999999"],
    ],
  );
  state.alsoNamed = [];
  assert.equal(await relay.drain(), 2);
});

test("published rows are pruned after the retention period; pending ones never", async (t) => {
  const database = await openTestDatabase();
  t.after(() => database.close());
  const userId = await createUser(database);
  await writeEvents(database, userId, 2);
  const { transport } = recordingTransport();
  const relay = new OutboxRelay({
    registry: createRegistry("test"),
    database,
    transport,
    log: quietLog,
    retentionMs: 0,
  });
  await relay.drain();
  await writeEvents(database, userId, 1, 3);
  await relay.prune();
  const left = await database.db.selectFrom("outbox").select(["published_at"]).execute();
  assert.deepEqual(left, [{ published_at: null }]);
});

test("outbox metrics: pending rows, the oldest pending age, publish failures and published events", async (t) => {
  const database = await openTestDatabase();
  t.after(() => database.close());
  const { createRegistry } = await import("@todo/server");
  const registry = createRegistry("backend");
  const userId = await createUser(database);
  const { transport, state } = recordingTransport();
  const relay = new OutboxRelay({ database, transport, log: quietLog, registry });
  state.down = true;
  await writeEvents(database, userId, 3);
  await relay.drain();
  const during = await registry.metrics();
  assert.match(during, /outbox_pending_events\{service="backend"\} 3/);
  assert.match(during, /outbox_publish_failures_total\{service="backend"\} 1/);
  assert.match(during, /outbox_oldest_pending_age_seconds\{service="backend"\} \d/);
  state.down = false;
  await relay.drain();
  await new Promise((r) => setTimeout(r, 150));
  const afterwards = await registry.metrics();
  assert.match(afterwards, /outbox_pending_events\{service="backend"\} 0/);
  assert.match(afterwards, /events_published_total\{topic="task-events",service="backend"\} 3/);
});
