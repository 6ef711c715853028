import assert from "node:assert/strict";
import { test } from "node:test";
import type { DomainEvent } from "@todo/contracts";
import { sampleTask } from "@todo/contracts/testing";
import { renderMessage, timeLeft } from "../src/messages.ts";

const reminder = (dueDate: string, sentAt: string, offset: number) =>
  ({
    event_id: "00000000-0000-4000-8000-000000000001",
    schema_version: 1,
    event_type: "task.due.approaching",
    task_id: 1,
    user_id: "u",
    timestamp: sentAt,
    source: "recurring-task-service",
    data: {
      task: sampleTask("u", 1, { title: "Standup", due_date: dueDate }),
      due_date: dueDate,
      offset_minutes: offset,
    },
  }) as DomainEvent;

test("a 09:00 Auckland instance is announced in the reader's zone, on its own day", () => {
  // 2026-11-28T20:00Z is 09:00 on Sunday 29 November in Auckland (NZDT, UTC+13).
  const event = reminder("2026-11-28T20:00:00.000Z", "2026-11-28T19:35:00.000Z", 1440);
  const auckland = renderMessage(event, { timeZone: "Pacific/Auckland" })!;
  assert.equal(auckland.title, "Due in 25 min: Standup");
  assert.equal(auckland.body, "“Standup” is due Sun 29 Nov 2026, 09:00 (Pacific/Auckland).");
  assert.match(renderMessage(event)!.body, /Sat 28 Nov 2026, 20:00 \(UTC\)/, "UTC without a preference");
});

test("the time left is the real one, not the offset the reminder was set for", () => {
  // A task created 30 s before it is due has its one-day reminder fire at once: not "in 1 day".
  assert.equal(
    renderMessage(reminder("2027-01-15T09:00:30.000Z", "2027-01-15T09:00:00.000Z", 1440))!.title,
    "Due now: Standup",
  );
  assert.equal(timeLeft("2027-01-15T09:00:00Z", "2027-01-15T09:00:00Z"), "now");
  assert.equal(timeLeft("2027-01-15T10:00:00Z", "2027-01-15T09:00:00Z"), "in 1 hour");
  assert.equal(timeLeft("2027-01-15T11:05:00Z", "2027-01-15T09:00:00Z"), "in 2 h 5 min");
  assert.equal(timeLeft("2027-01-17T09:00:00Z", "2027-01-15T09:00:00Z"), "in 2 days");
  assert.equal(timeLeft("2027-01-15T09:00:00Z", "2027-01-15T09:07:00Z"), "overdue by 7 min");
});

test("an all-day task's reminder says the day, not 23:59 (the all-day rule of @todo/contracts/all-day)", () => {
  // All day on Sunday 29 Nov 2026 in Auckland: 23:59:59 NZDT is 10:59:59Z.
  const due = "2026-11-29T10:59:59.000Z";
  const auckland = { timeZone: "Pacific/Auckland" };
  // "1 day before": 23:59:59 on Saturday.
  const dayBefore = renderMessage(reminder(due, "2026-11-28T10:59:59.000Z", 1440), auckland)!;
  assert.equal(dayBefore.title, "Due tomorrow: Standup");
  assert.equal(dayBefore.body, "“Standup” is due Sun 29 Nov 2026 (all day).");
  assert.doesNotMatch(dayBefore.body, /23:59/);
  // Sent on the day itself (08:00 NZDT), a week ahead, and after the day is over.
  assert.equal(
    renderMessage(reminder(due, "2026-11-28T19:00:00.000Z", 0), auckland)!.title,
    "Due today: Standup",
  );
  assert.equal(
    renderMessage(reminder(due, "2026-11-22T10:59:59.000Z", 10_080), auckland)!.title,
    "Due on Sun 29 Nov 2026: Standup",
  );
  assert.equal(
    renderMessage(reminder(due, "2026-11-29T11:30:00.000Z", 0), auckland)!.title,
    "Overdue: Standup",
  );
  // A new instance due all day says the day as well.
  const created = {
    ...reminder(due, "2026-11-28T10:59:59.000Z", 0),
    event_type: "task.created",
    data: { task: sampleTask("u", 1, { title: "Standup", due_date: due }) },
  } as DomainEvent;
  assert.equal(
    renderMessage(created, auckland)!.body,
    "Your recurring task has a new instance, due Sun 29 Nov 2026 (all day).",
  );
  // The same instant in another zone is a timed due: 23:59:59 is all day only where it reads so.
  assert.equal(
    renderMessage(reminder(due, "2026-11-28T10:59:59.000Z", 1440), { timeZone: "UTC" })!.body,
    "“Standup” is due Sun 29 Nov 2026, 10:59 (UTC).",
  );
});

test('a timed reminder sent late reads "Overdue by …"', () => {
  assert.equal(
    renderMessage(reminder("2027-01-15T09:00:00.000Z", "2027-01-15T09:07:00.000Z", 0))!.title,
    "Overdue by 7 min: Standup",
  );
});
