import assert from "node:assert/strict";
import { test } from "node:test";
import { parseLiveEvent } from "../src/lib/live-events.tsx";

const task = { id: 7, title: "Buy milk" };
const notification = { id: 3, title: "Finished “Buy milk”", read: false };

test("a task event's payload carries the task under data", () => {
  const payload = {
    event_id: "e",
    event_type: "task.created",
    source: "recurring-task-service",
    data: { task },
  };
  assert.deepEqual(parseLiveEvent("task.created", JSON.stringify(payload)), {
    type: "task.created",
    task,
    source: "recurring-task-service",
  });
});

test("notification.created is read bare or inside its event envelope", () => {
  const expected = { type: "notification.created", notification };
  assert.deepEqual(parseLiveEvent("notification.created", JSON.stringify({ notification })), expected);
  const envelope = { event_id: "e", event_type: "notification.created", data: { notification } };
  assert.deepEqual(parseLiveEvent("notification.created", JSON.stringify(envelope)), expected);
});

test("what cannot be read is dropped, not thrown", () => {
  assert.equal(parseLiveEvent("task.updated", "not json"), null);
  assert.equal(parseLiveEvent("task.updated", JSON.stringify({ data: {} })), null);
  assert.equal(parseLiveEvent("notification.created", "null"), null);
});
