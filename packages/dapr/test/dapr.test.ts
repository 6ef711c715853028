import assert from "node:assert/strict";
import { createServer, type IncomingMessage } from "node:http";
import { test } from "node:test";
import { toCloudEvent } from "@todo/events";
import Fastify from "fastify";
import { taskSnapshot } from "../../events/test/fixtures.ts";
import { registerDaprSubscriptions } from "../src/dapr-subscriptions.ts";
import { createDaprTransport } from "../src/dapr-transport.ts";

const userId = "3f0c1a52-8c3e-4c1e-9d55-1d2f7a6b9e10";
const payload = {
  event_id: "0b6f2a4e-3c1d-4e5f-8a9b-0c1d2e3f4a5b",
  schema_version: 1,
  event_type: "task.created" as const,
  task_id: 7,
  user_id: userId,
  timestamp: "2027-01-01T00:00:00.000Z",
  source: "backend" as const,
  data: { task: taskSnapshot(userId, 7) },
};

/** A stand-in for the sidecar's HTTP API that records requests and answers with `status` (and `body`, if given). */
async function fakeSidecar(
  t: import("node:test").TestContext,
  status: number,
  answer?: (body: string) => unknown,
) {
  const requests: { method: string; url: string; headers: IncomingMessage["headers"]; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      res.writeHead(status, { "content-type": "application/json" });
      res.end(
        status === 204
          ? undefined
          : JSON.stringify(
              answer?.(body) ?? { errorCode: "ERR_PUBSUB_PUBLISH_MESSAGE", message: "kafka down" },
            ),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const port = (server.address() as { port: number }).port;
  return { port, requests };
}

test("the Dapr transport posts a CloudEvent to the sidecar's publish API with the user as partition key", async (t) => {
  const sidecar = await fakeSidecar(t, 204);
  const transport = createDaprTransport({ httpPort: sidecar.port, pubsubName: "task-pubsub" });
  await transport.publish({ topic: "task-events", partitionKey: userId, event: toCloudEvent(payload) });
  assert.equal(sidecar.requests.length, 1);
  const [request] = sidecar.requests;
  assert.equal(request!.method, "POST");
  assert.equal(request!.url, `/v1.0/publish/task-pubsub/task-events?metadata.partitionKey=${userId}`);
  assert.equal(request!.headers["content-type"], "application/cloudevents+json");
  const body = JSON.parse(request!.body);
  assert.equal(body.specversion, "1.0");
  assert.equal(body.id, payload.event_id);
  assert.equal(body.type, "task.created");
  assert.equal(body.source, "backend");
  assert.deepEqual(body.data, payload, "the seed's fields travel intact in data");
});

test("a sidecar error is a thrown failure, not a silent success", async (t) => {
  const sidecar = await fakeSidecar(t, 500);
  const transport = createDaprTransport({ httpPort: sidecar.port, pubsubName: "task-pubsub" });
  await assert.rejects(
    transport.publish({ topic: "task-events", partitionKey: userId, event: toCloudEvent(payload) }),
    /failed with 500.*kafka down/,
  );
  const unreachable = createDaprTransport({ httpPort: 1, pubsubName: "task-pubsub" });
  await assert.rejects(
    unreachable.publish({ topic: "task-events", partitionKey: userId, event: toCloudEvent(payload) }),
    /unreachable/,
  );
});

const bulkEntry = (n: number, topic = "task-events", key = `user-${n}`) => {
  const event = toCloudEvent({ ...payload, event_id: `00000000-0000-4000-8000-00000000000${n}`, task_id: n });
  return { entryId: String(n), topic, partitionKey: key, event };
};

test("bulk publish (stand-in sidecar): one call per topic to the bulk API, each entry a CloudEvent with its own partition key", async (t) => {
  const sidecar = await fakeSidecar(t, 204);
  const transport = createDaprTransport({ httpPort: sidecar.port, pubsubName: "task-pubsub" });
  const failed = await transport.publishBulk!([
    bulkEntry(1),
    bulkEntry(2, "notification-events"),
    bulkEntry(3),
  ]);
  assert.deepEqual(failed, []);
  const byUrl = new Map(sidecar.requests.map((r) => [r.url, r]));
  assert.deepEqual([...byUrl.keys()].sort(), [
    "/v1.0-alpha1/publish/bulk/task-pubsub/notification-events",
    "/v1.0-alpha1/publish/bulk/task-pubsub/task-events",
  ]);
  const tasks = byUrl.get("/v1.0-alpha1/publish/bulk/task-pubsub/task-events")!;
  assert.equal(tasks.headers["content-type"], "application/json");
  const entries = JSON.parse(tasks.body);
  assert.deepEqual(
    entries.map((e: { entryId: string; contentType: string; metadata: unknown }) => [
      e.entryId,
      e.contentType,
      e.metadata,
    ]),
    [
      ["1", "application/cloudevents+json", { partitionKey: "user-1" }],
      ["3", "application/cloudevents+json", { partitionKey: "user-3" }],
    ],
  );
  assert.equal(entries[0].event.specversion, "1.0");
  assert.equal(entries[0].event.data.task_id, 1, "the event travels intact");
});

test("bulk publish (stand-in sidecar): entries beyond the byte limit go in further calls", async (t) => {
  const sidecar = await fakeSidecar(t, 204);
  const transport = createDaprTransport({
    httpPort: sidecar.port,
    pubsubName: "task-pubsub",
    maxBulkBytes: 2_000,
  });
  const entries = [1, 2, 3, 4, 5].map((n) => bulkEntry(n));
  const one = Buffer.byteLength(JSON.stringify(JSON.parse(JSON.stringify(entries[0]))));
  assert.ok(one > 700 && one < 1_000, `an entry is ${one} bytes: two fit in 2,000`);
  assert.deepEqual(await transport.publishBulk!(entries), []);
  const sizes = sidecar.requests.map((r) => JSON.parse(r.body).length);
  assert.deepEqual(sizes, [2, 2, 1]);
  assert.ok(sidecar.requests.every((r) => Buffer.byteLength(r.body) <= 2_000));
});

test("bulk publish (stand-in sidecar): the failed entries of an error answer are returned; an answer that names none, or no answer, throws", async (t) => {
  const partial = await fakeSidecar(t, 500, () => ({
    failedEntries: [{ entryId: "2", error: "kafka: message too large" }],
    errorCode: "ERR_PUBSUB_PUBLISH_MESSAGE",
  }));
  const transport = createDaprTransport({ httpPort: partial.port, pubsubName: "task-pubsub" });
  const failed = await transport.publishBulk!([bulkEntry(1), bulkEntry(2), bulkEntry(3)]);
  assert.equal(failed.length, 1);
  assert.equal(failed[0]!.entryId, "2");
  assert.match(failed[0]!.error, /failed with 500: kafka: message too large/);

  const unknown = await fakeSidecar(t, 500, () => ({ failedEntries: [{ entryId: "7", error: "?" }] }));
  await assert.rejects(
    createDaprTransport({ httpPort: unknown.port, pubsubName: "task-pubsub" }).publishBulk!([bulkEntry(1)]),
    /failed with 500/,
    "an answer naming an entry that was not sent is not trusted",
  );
  const ok200 = await fakeSidecar(t, 200, () => ({}));
  assert.deepEqual(
    await createDaprTransport({ httpPort: ok200.port, pubsubName: "task-pubsub" }).publishBulk!([
      bulkEntry(1),
    ]),
    [],
  );
  assert.deepEqual(await transport.publishBulk!([]), [], "nothing to send, no call");

  const whole = await fakeSidecar(t, 500);
  await assert.rejects(
    createDaprTransport({ httpPort: whole.port, pubsubName: "task-pubsub" }).publishBulk!([bulkEntry(1)]),
    /bulk publish to task-events failed with 500.*kafka down/,
  );
  await assert.rejects(
    createDaprTransport({ httpPort: 1, pubsubName: "task-pubsub" }).publishBulk!([bulkEntry(1)]),
    /unreachable/,
  );
});

test("bulk publish (stand-in sidecar): when one topic's call fails and another's goes out, only the failed call's entries are returned", async (t) => {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const down = req.url?.endsWith("/notification-events");
      res.writeHead(down ? 500 : 204, { "content-type": "application/json" });
      res.end(
        down ? JSON.stringify({ errorCode: "ERR_PUBSUB_PUBLISH_MESSAGE", message: "kafka down" }) : undefined,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const port = (server.address() as { port: number }).port;
  const transport = createDaprTransport({ httpPort: port, pubsubName: "task-pubsub" });
  const failed = await transport.publishBulk!([
    bulkEntry(1),
    bulkEntry(2, "notification-events"),
    bulkEntry(3),
    bulkEntry(4, "notification-events"),
  ]);
  assert.deepEqual(
    failed.map((f) => f.entryId),
    ["2", "4"],
  );
  assert.match(failed[0]!.error, /notification-events failed with 500.*kafka down/);
});

test("programmatic subscriptions: /dapr/subscribe lists them with dead-letter topics; routes hand the payload over and answer explicit statuses", async (t) => {
  const app = Fastify();
  t.after(() => app.close());
  const seen: unknown[] = [];
  registerDaprSubscriptions(app, [
    {
      pubsubName: "task-pubsub",
      topic: "task-events",
      route: "/task-events",
      deadLetterTopic: "task-events-dlq",
      handle: async (body) => {
        seen.push(body);
        return {
          outcome: (body as { task_id?: number }).task_id === 7 ? "SUCCESS" : "RETRY",
        };
      },
    },
  ]);
  const list = await app.inject({ method: "GET", url: "/dapr/subscribe" });
  assert.deepEqual(list.json(), [
    {
      pubsubname: "task-pubsub",
      topic: "task-events",
      route: "/task-events",
      deadLetterTopic: "task-events-dlq",
    },
  ]);
  const ok = await app.inject({
    method: "POST",
    url: "/task-events",
    headers: { "content-type": "application/cloudevents+json" },
    payload: JSON.stringify(toCloudEvent(payload)),
  });
  assert.deepEqual(ok.json(), { status: "SUCCESS" });
  const retry = await app.inject({
    method: "POST",
    url: "/task-events",
    headers: { "content-type": "application/json" },
    payload: JSON.stringify({ ...toCloudEvent(payload), data: { ...payload, task_id: 8 } }),
  });
  assert.deepEqual(retry.json(), { status: "RETRY" });
  assert.equal(seen.length, 2);
});
