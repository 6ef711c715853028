// Every shape the Dapr 1.18 sidecar can post to a subscription route, posted to the real routes
// (registerDaprSubscriptions) with the real idempotent consumer on PGlite behind them: each
// readable shape has its one effect, anything unreadable is answered DROP (so Dapr dead-letters
// it), never a 415 or a 500.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { DomainEvent } from "@todo/contracts";
import { openTestDatabase } from "@todo/db/testing";
import { consumeEvent, recordEvent, toCloudEvent } from "@todo/events";
import Fastify from "fastify";
import { sql } from "kysely";
import { createUser, quietLog, taskSnapshot } from "../../events/test/fixtures.ts";
import { readDaprDelivery } from "../src/dapr-delivery.ts";
import { registerDaprSubscriptions } from "../src/dapr-subscriptions.ts";

async function setup(t: import("node:test").TestContext) {
  const database = await openTestDatabase();
  t.after(() => database.close());
  await sql`CREATE TABLE effects (event_id uuid PRIMARY KEY)`.execute(database.db);
  const userId = await createUser(database);
  const app = Fastify();
  t.after(() => app.close());
  // Events whose task id is 666 fail for now: the consumer answers RETRY.
  registerDaprSubscriptions(app, [
    {
      pubsubName: "task-pubsub",
      topic: "task-events",
      route: "/task-events",
      deadLetterTopic: "task-events-dlq",
      handle: (body) =>
        consumeEvent({ db: database.db, log: quietLog }, "probe", body, async (event, tx) => {
          if (event.task_id === 666) throw new Error("not now");
          await sql`INSERT INTO effects VALUES (${event.event_id})`.execute(tx);
        }),
    },
  ]);
  let taskId = 0;
  const newEvent = (id = ++taskId): Promise<DomainEvent> =>
    recordEvent(database.db, {
      event_type: "task.created",
      task_id: id,
      user_id: userId,
      data: { task: taskSnapshot(userId, id) },
    });
  const effects = async () =>
    (await sql<{ event_id: string }>`SELECT event_id FROM effects`.execute(database.db)).rows.map(
      (r) => r.event_id,
    );
  const post = (contentType: string | undefined, payload: string | Buffer) =>
    app.inject({
      method: "POST",
      url: "/task-events",
      headers: contentType ? { "content-type": contentType } : {},
      payload,
    });
  return { app, newEvent, effects, post };
}

const b64 = (value: unknown) =>
  Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64");

test("structured CloudEvents, as application/cloudevents+json and as application/json, have one effect each", async (t) => {
  const { newEvent, effects, post } = await setup(t);
  const first = await newEvent();
  const second = await newEvent();
  const a = await post("application/cloudevents+json", JSON.stringify(toCloudEvent(first)));
  const b = await post("application/json; charset=utf-8", JSON.stringify(toCloudEvent(second)));
  assert.deepEqual([a.statusCode, a.json()], [200, { status: "SUCCESS" }]);
  assert.deepEqual([b.statusCode, b.json()], [200, { status: "SUCCESS" }]);
  // data as a JSON string (some components stringify it) is read too; a redelivery has no effect.
  const again = await post(
    "application/cloudevents+json",
    JSON.stringify({ ...toCloudEvent(first), data: JSON.stringify(first) }),
  );
  assert.deepEqual(again.json(), { status: "SUCCESS" });
  assert.deepEqual((await effects()).sort(), [first.event_id, second.event_id].sort());
});

test("data_base64: a CloudEvent carrying the payload's bytes, and a raw subscription's wrapper around our whole CloudEvent", async (t) => {
  const { newEvent, effects, post } = await setup(t);
  const plain = await newEvent();
  const wrapped = await newEvent();
  const { data: _data, ...attributes } = toCloudEvent(plain);
  const byPayload = await post(
    "application/cloudevents+json",
    JSON.stringify({ ...attributes, datacontenttype: "application/json", data_base64: b64(plain) }),
  );
  assert.deepEqual(byPayload.json(), { status: "SUCCESS" });
  // What daprd makes of a message for a subscription declared with rawPayload (FromRawPayload).
  const rawWrapper = {
    id: crypto.randomUUID(),
    specversion: "1.0",
    datacontenttype: "application/octet-stream",
    source: "Dapr",
    type: "com.dapr.event.sent",
    topic: "task-events",
    pubsubname: "task-pubsub",
    data_base64: b64(toCloudEvent(wrapped)),
  };
  const byWrapper = await post("application/cloudevents+json", JSON.stringify(rawWrapper));
  assert.deepEqual(byWrapper.json(), { status: "SUCCESS" });
  assert.deepEqual((await effects()).sort(), [plain.event_id, wrapped.event_id].sort());
});

test("raw payloads (metadata.rawPayload=true) under any content type have their one effect", async (t) => {
  const { newEvent, effects, post } = await setup(t);
  const events = [await newEvent(), await newEvent(), await newEvent(), await newEvent()];
  const answers = [
    await post("application/json", JSON.stringify(events[0])),
    await post("application/octet-stream", Buffer.from(JSON.stringify(events[1]))),
    await post("text/plain", JSON.stringify(events[2])),
    await post(undefined, JSON.stringify(events[3])),
  ];
  for (const answer of answers)
    assert.deepEqual([answer.statusCode, answer.json()], [200, { status: "SUCCESS" }]);
  assert.deepEqual((await effects()).sort(), events.map((e) => e.event_id).sort());
});

test("what cannot be read is answered DROP with 200, whatever its content type: never 415 or 500", async (t) => {
  const { effects, post, newEvent } = await setup(t);
  const { data: _data, ...attributes } = toCloudEvent(await newEvent());
  const bodies: [string | undefined, string | Buffer][] = [
    ["application/octet-stream", Buffer.from([0xff, 0x00, 0x13, 0x37])],
    ["text/plain", "hello"],
    ["application/json", "{not json"],
    ["application/json", ""],
    [undefined, ""],
    ["image/png", Buffer.from([0x89, 0x50, 0x4e, 0x47])],
    ["application/cloudevents+json", JSON.stringify(attributes)],
    ["application/cloudevents+json", JSON.stringify({ ...attributes, data_base64: "%%% not base64" })],
    ["application/cloudevents+json", JSON.stringify({ ...attributes, data_base64: b64("plain words") })],
    ["application/cloudevents+json", JSON.stringify({ ...attributes, data: "not json either" })],
    // Readable JSON that is no event of ours: the consumer drops it as malformed.
    ["application/json", JSON.stringify({ hello: "world" })],
    ["application/json", "42"],
  ];
  for (const [contentType, body] of bodies) {
    const answer = await post(contentType, body);
    assert.equal(answer.statusCode, 200, `${contentType}: ${String(body)}`);
    assert.deepEqual(answer.json(), { status: "DROP" }, `${contentType}: ${String(body)}`);
  }
  assert.deepEqual(await effects(), []);
});

test("a bulk envelope is answered entry by entry: SUCCESS, DROP for the unreadable, RETRY from the first retry on", async (t) => {
  const { newEvent, effects, post } = await setup(t);
  const ok = [await newEvent(), await newEvent(), await newEvent()];
  const failing = await newEvent(666);
  const behind = await newEvent();
  const envelope = {
    id: crypto.randomUUID(),
    type: "com.dapr.event.sent.bulk",
    topic: "task-events",
    pubsubname: "task-pubsub",
    metadata: {},
    entries: [
      // As Dapr sends a CloudEvent entry: the event as an object.
      {
        entryId: "e1",
        event: toCloudEvent(ok[0]!),
        metadata: {},
        contentType: "application/cloudevents+json",
      },
      // A raw entry (rawPayload): base64 of the message's bytes.
      { entryId: "e2", event: b64(ok[1]!), metadata: {}, contentType: "application/json" },
      { entryId: "e3", event: b64("not an event"), metadata: {}, contentType: "text/plain" },
      {
        entryId: "e4",
        event: { ...toCloudEvent(ok[2]!), data: undefined, data_base64: b64(ok[2]!) },
        metadata: {},
      },
      { entryId: "e5", event: { hello: "world" }, metadata: {}, contentType: "application/json" },
      {
        entryId: "e6",
        event: toCloudEvent(failing),
        metadata: {},
        contentType: "application/cloudevents+json",
      },
      {
        entryId: "e7",
        event: toCloudEvent(behind),
        metadata: {},
        contentType: "application/cloudevents+json",
      },
      { entryId: "e8", event: "%%% not base64", metadata: {}, contentType: "application/octet-stream" },
    ],
  };
  const answer = await post("application/json", JSON.stringify(envelope));
  assert.equal(answer.statusCode, 200);
  assert.deepEqual(answer.json(), {
    statuses: [
      { entryId: "e1", status: "SUCCESS" },
      { entryId: "e2", status: "SUCCESS" },
      { entryId: "e3", status: "DROP" },
      { entryId: "e4", status: "SUCCESS" },
      { entryId: "e5", status: "DROP" },
      { entryId: "e6", status: "RETRY" },
      // Not handled: running it before e6 would reorder the user's events; unreadable is still DROP.
      { entryId: "e7", status: "RETRY" },
      { entryId: "e8", status: "DROP" },
    ],
  });
  assert.deepEqual((await effects()).sort(), ok.map((e) => e.event_id).sort());
  // Dapr redelivers the entries it was told to retry; the rest is not sent again.
  const retried = await post(
    "application/json",
    JSON.stringify({ ...envelope, entries: envelope.entries.slice(6, 7) }),
  );
  assert.deepEqual(retried.json(), { statuses: [{ entryId: "e7", status: "SUCCESS" }] });
  assert.equal((await effects()).length, 4);
});

test("readDaprDelivery names why a body is unreadable", () => {
  assert.deepEqual(readDaprDelivery("application/octet-stream", Buffer.from([0xff, 0x01])), {
    bulk: false,
    entries: [{ entryId: null, unreadable: "body (application/octet-stream, 2 bytes) is not a JSON event" }],
  });
  assert.deepEqual(readDaprDelivery(undefined, Buffer.alloc(0)).entries, [
    { entryId: null, unreadable: "empty body" },
  ]);
  assert.deepEqual(
    readDaprDelivery("application/cloudevents+json", Buffer.from('{"specversion":"1.0","id":"x"}')).entries,
    [{ entryId: null, unreadable: "CloudEvent without data or data_base64" }],
  );
});
