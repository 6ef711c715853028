import assert from "node:assert/strict";
import { test } from "node:test";
import { ActivityEntry, ListActivityQuery, TaskActivityQuery } from "../src/index.ts";

test("the activity query takes one or many event types, and refuses an unknown one naming event_type", () => {
  assert.deepEqual(ListActivityQuery.parse({ event_type: "task.created" }).event_type, ["task.created"]);
  assert.deepEqual(ListActivityQuery.parse({ event_type: ["task.created", "task.updated"] }).event_type, [
    "task.created",
    "task.updated",
  ]);
  const bad = ListActivityQuery.safeParse({ event_type: ["task.created", "task.eaten"] });
  assert.equal(bad.success, false);
  assert.equal(bad.error?.issues[0]?.path[0], "event_type");
});

test("the activity limit defaults to 50 and stops at 200", () => {
  assert.equal(ListActivityQuery.parse({}).limit, 50);
  assert.equal(TaskActivityQuery.parse({ limit: "200" }).limit, 200);
  assert.equal(TaskActivityQuery.safeParse({ limit: "201" }).success, false);
  assert.equal(ListActivityQuery.safeParse({ from: "yesterday" }).error?.issues[0]?.path[0], "from");
  assert.equal(ListActivityQuery.safeParse({ color: "red" }).success, false);
});

test("an activity entry of a reopen carries the completed change", () => {
  const entry = ActivityEntry.parse({
    id: 1,
    event_id: "0b8f3c1e-8a52-4c1f-9d7e-2a3c4b5d6e7f",
    event_type: "task.updated",
    task_id: 7,
    task_title: "Pay rent",
    actor: "user",
    actor_user_id: "u1",
    occurred_at: "2026-01-01T00:00:00.000Z",
    changes: [{ field: "completed", before: true, after: false }],
    template: null,
  });
  assert.deepEqual(entry.changes, [{ field: "completed", before: true, after: false }]);
  assert.equal(ActivityEntry.safeParse({ ...entry, actor: "robot" }).success, false);
});
