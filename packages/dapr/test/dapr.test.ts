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

/** A stand-in for the sidecar's HTTP API that records requests and answers with `status`. */
async function fakeSidecar(t: import("node:test").TestContext, status: number) {
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
          : JSON.stringify({ errorCode: "ERR_PUBSUB_PUBLISH_MESSAGE", message: "kafka down" }),
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
