import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type ActivityEntry, describeActivity, describeActor, describeChange } from "../src/lib/activity.ts";

const names = {
  timeZone: "America/New_York",
  priorities: [
    { id: 3, name: "High" },
    { id: 4, name: "Critical" },
  ],
  tags: [
    { id: 1, name: "home" },
    { id: 2, name: "work" },
  ],
};

function entry(overrides: Partial<ActivityEntry>): ActivityEntry {
  return {
    id: 1,
    event_id: "00000000-0000-4000-8000-000000000001",
    event_type: "task.updated",
    task_id: 7,
    task_title: "Pay rent",
    actor: "user",
    actor_user_id: "u1",
    occurred_at: "2030-01-05T14:00:00Z",
    changes: [],
    template: null,
    ...overrides,
  };
}

describe("an activity entry in words", () => {
  test("events without a field change read as the event", () => {
    assert.deepEqual(describeActivity(entry({ event_type: "task.created" }), names), ["Created"]);
    assert.deepEqual(describeActivity(entry({ event_type: "task.completed" }), names), ["Completed"]);
    assert.deepEqual(describeActivity(entry({ event_type: "task.deleted" }), names), ["Deleted"]);
  });

  test("an instance the schedule created names its template", () => {
    const created = entry({ event_type: "task.created", template: { id: 4, title: "Pay rent" } });
    assert.deepEqual(describeActivity(created, names), ["Created from ‘Pay rent’ schedule"]);
  });

  test("reopen is task.updated with completed true → false", () => {
    const reopened = entry({ changes: [{ field: "completed", before: true, after: false }] });
    assert.deepEqual(describeActivity(reopened, names), ["Reopened"]);
    assert.equal(describeChange({ field: "completed", before: false, after: true }, names), "Completed");
  });

  test("priority by id, by name or as the priority object", () => {
    assert.equal(
      describeChange({ field: "priority_id", before: 3, after: 4 }, names),
      "Priority High → Critical",
    );
    assert.equal(
      describeChange({ field: "priority", before: "High", after: { id: 4, name: "Critical" } }, names),
      "Priority High → Critical",
    );
    assert.equal(describeChange({ field: "priority_id", before: 3, after: 9 }, names), "Priority High → #9");
  });

  test("a rename quotes both titles", () => {
    assert.equal(describeChange({ field: "title", before: "a", after: "b" }, names), "Renamed ‘a’ → ‘b’");
  });

  test("tags show what was added and removed, by id, name or summary", () => {
    assert.equal(describeChange({ field: "tag_ids", before: [2], after: [1] }, names), "Tags: +home −work");
    assert.equal(
      describeChange(
        {
          field: "tags",
          before: [{ id: 2, name: "work", color: "#000000" }],
          after: [{ id: 1, name: "home" }],
        },
        names,
      ),
      "Tags: +home −work",
    );
    assert.equal(
      describeChange({ field: "tags", before: ["work"], after: ["work", "home"] }, names),
      "Tags: +home",
    );
  });

  test("due dates are shown in the user's zone, none when cleared", () => {
    const text = describeChange({ field: "due_date", before: "2030-01-05T14:00:00Z", after: null }, names);
    assert.match(text, /^Due date Jan 5, 2030, 9:00\s?AM EST → none$/);
    const inTokyo = describeChange(
      { field: "due_date", before: null, after: "2030-01-05T14:00:00Z" },
      { ...names, timeZone: "Asia/Tokyo" },
    );
    assert.match(inTokyo, /^Due date none → Jan 5, 2030, 11:00\s?PM GMT\+9$/);
  });

  test("an all-day due date reads as its day, not 11:59 PM", () => {
    // 23:59:59 EST on 5 Jan 2030 is 04:59:59Z on the 6th.
    const text = describeChange({ field: "due_date", before: null, after: "2030-01-06T04:59:59Z" }, names);
    assert.equal(text, "Due date none → Jan 5, 2030 (all day)");
  });

  test("one line per changed field", () => {
    const both = entry({
      changes: [
        { field: "title", before: "a", after: "b" },
        { field: "priority_id", before: 3, after: 4 },
      ],
    });
    assert.deepEqual(describeActivity(both, names), ["Renamed ‘a’ → ‘b’", "Priority High → Critical"]);
  });

  test("who acted, when not the user", () => {
    assert.equal(describeActor("user"), null);
    assert.equal(describeActor("recurring-task-service"), "by the schedule");
    assert.equal(describeActor("mcp"), "by an assistant (MCP)");
  });
});
