import assert from "node:assert/strict";
import { test } from "node:test";
import { toCloudEvent } from "../src/cloud-event.ts";
import { createInProcessBus } from "../src/in-process-transport.ts";
import { taskSnapshot } from "./fixtures.ts";

const userId = "3f0c1a52-8c3e-4c1e-9d55-1d2f7a6b9e10";
const message = {
  topic: "task-events",
  partitionKey: userId,
  event: toCloudEvent({
    event_id: "0b6f2a4e-3c1d-4e5f-8a9b-0c1d2e3f4a5b",
    schema_version: 1,
    event_type: "task.created",
    task_id: 7,
    user_id: userId,
    timestamp: "2027-01-01T00:00:00.000Z",
    source: "backend",
    data: { task: taskSnapshot(userId, 7) },
  }),
};

test("in-process: publish resolves once every subscriber accepted; a RETRY makes it throw so the outbox keeps the event", async () => {
  const bus = createInProcessBus();
  let answer: "SUCCESS" | "RETRY" = "RETRY";
  const calls: string[] = [];
  bus.subscribe("task-events", "a", async () => {
    calls.push("a");
    return { outcome: "SUCCESS" };
  });
  bus.subscribe("task-events", "b", async () => {
    calls.push("b");
    return { outcome: answer };
  });
  bus.subscribe("notification-events", "c", async () => {
    calls.push("c");
    return { outcome: "SUCCESS" };
  });
  await assert.rejects(bus.transport.publish(message), /b: retry/);
  answer = "SUCCESS";
  await bus.transport.publish(message);
  assert.deepEqual(calls, ["a", "b", "b"], "a, which took it the first time, is not asked again");
});

test("in-process: a dropped event, or one still failing after the last attempt, goes to the dead letters", async () => {
  const dead: string[] = [];
  const bus = createInProcessBus({
    maxAttempts: 3,
    onDeadLetter: async (subscriber, _m, reason) => {
      dead.push(`${subscriber}: ${reason}`);
    },
  });
  bus.subscribe("task-events", "stubborn", async () => ({ outcome: "RETRY", note: "still broken" }));
  bus.subscribe("task-events", "picky", async () => ({ outcome: "DROP", note: "malformed" }));
  await assert.rejects(bus.transport.publish(message));
  await assert.rejects(bus.transport.publish(message));
  await bus.transport.publish(message);
  assert.deepEqual(dead, ["picky: malformed", "stubborn: gave up after 3 attempts: still broken"]);
});
