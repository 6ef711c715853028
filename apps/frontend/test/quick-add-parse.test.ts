import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Priority, Tag } from "@todo/contracts";
import { casual } from "chrono-node/en";
import { parseQuickAdd } from "../src/features/tasks/quick-add-parse.ts";

const priorities = [
  { id: 1, name: "Low", level: 1 },
  { id: 2, name: "Medium", level: 2 },
  { id: 3, name: "High", level: 3 },
  { id: 4, name: "Critical", level: 4 },
] as Priority[];
const tags = [{ id: 7, name: "Home" }] as Tag[];
// 09:00 on Tuesday 15 Jan 2030 in Auckland (NZDT, +13:00).
const now = new Date("2030-01-14T20:00:00Z");
const context = { now, timeZone: "Pacific/Auckland", priorities, tags };

describe("quick add", () => {
  test("`Pay rent tomorrow 9am p1 #home`: title, 09:00 tomorrow in the user's zone, p1, the existing tag", () => {
    const r = parseQuickAdd("Pay rent tomorrow 9am p1 #home", casual, context);
    assert.equal(r.title, "Pay rent");
    assert.equal(r.due?.instant, "2030-01-15T20:00:00Z"); // 09:00 on the 16th in Auckland
    assert.equal(r.due?.allDay, false);
    assert.equal(r.priority?.priority.name, "Critical");
    assert.deepEqual(r.tags, [{ name: "Home", tag: tags[0] }]);
    assert.equal(r.recurrence, null);
  });

  test("`Water plants every Monday at 8`: a weekly series on Mondays, first at 08:00 next Monday", () => {
    const r = parseQuickAdd("Water plants every Monday at 8", casual, context);
    assert.equal(r.title, "Water plants");
    assert.deepEqual(
      { pattern: r.recurrence?.pattern, weekdays: r.recurrence?.weekdays, interval: r.recurrence?.interval },
      { pattern: "weekly", weekdays: [1], interval: 1 },
    );
    assert.equal(r.due?.instant, "2030-01-20T19:00:00Z"); // Monday 21 Jan, 08:00 NZDT
  });

  test("the same words in Berlin give Berlin's 09:00", () => {
    const r = parseQuickAdd("Pay rent tomorrow 9am", casual, { ...context, timeZone: "Europe/Berlin" });
    assert.equal(r.due?.instant, "2030-01-15T08:00:00Z"); // Berlin's today is the 14th; 09:00 CET on the 15th
  });

  test("a date without a time is all day; other recurrences map onto our patterns", () => {
    const r = parseQuickAdd("Call mum friday", casual, context);
    assert.equal(r.due?.allDay, true);
    assert.equal(r.due?.instant, "2030-01-18T10:59:59Z");
    assert.equal(
      parseQuickAdd("Stand-up every weekday", casual, context).recurrence?.weekdays?.join(),
      "1,2,3,4,5",
    );
    assert.equal(parseQuickAdd("Rent every month", casual, context).recurrence?.pattern, "monthly");
    const other = parseQuickAdd("Bins every other week", casual, context).recurrence;
    assert.deepEqual([other?.pattern, other?.interval], ["weekly", 2]);
  });

  test("what is not understood stays in the title; a new tag is kept by name", () => {
    const r = parseQuickAdd("Buy 2 apples p9 #market", casual, context);
    assert.equal(r.title, "Buy 2 apples p9");
    assert.equal(r.due, null);
    assert.equal(r.priority, null);
    assert.deepEqual(r.tags, [{ name: "market", tag: undefined }]);
  });

  test("a removed chip puts its words back into the title", () => {
    const r = parseQuickAdd("Pay rent tomorrow 9am p1", casual, {
      ...context,
      ignore: new Set(["due"] as const),
    });
    assert.equal(r.title, "Pay rent tomorrow 9am");
    assert.equal(r.due, null);
    assert.equal(r.priority?.priority.name, "Critical");
  });

  test("in Today (a default day), a line without a date is due that day, all day; a typed date wins", () => {
    const today = { ...context, defaultDay: "2030-01-15" };
    const plain = parseQuickAdd("Buy milk p2", casual, today);
    assert.equal(plain.title, "Buy milk");
    assert.deepEqual([plain.due?.instant, plain.due?.allDay], ["2030-01-15T10:59:59Z", true]);
    assert.equal(parseQuickAdd("Call mum friday", casual, today).due?.instant, "2030-01-18T10:59:59Z");
    assert.equal(parseQuickAdd("Pay rent tomorrow 9am", casual, today).due?.instant, "2030-01-15T20:00:00Z");
    // Removing the due chip removes the default too; a recurrence starts on its own schedule.
    assert.equal(
      parseQuickAdd("Buy milk", casual, { ...today, ignore: new Set(["due"] as const) }).due,
      null,
    );
    assert.equal(parseQuickAdd("Stretch every day", casual, today).due?.allDay, false);
  });

  test("`every!` repeats from completion (Todoist's syntax); `every` keeps the schedule", () => {
    const bang = parseQuickAdd("Water plants every! 3 days", casual, context);
    assert.equal(bang.title, "Water plants");
    assert.deepEqual(
      [bang.recurrence?.pattern, bang.recurrence?.interval, bang.recurrence?.repeatFrom],
      ["daily", 3, "completion"],
    );
    assert.equal(
      parseQuickAdd("Water plants every 3 days", casual, context).recurrence?.repeatFrom,
      "schedule",
    );
    const week = parseQuickAdd("Haircut every! week p2", casual, context);
    assert.deepEqual(
      [week.title, week.recurrence?.pattern, week.recurrence?.repeatFrom],
      ["Haircut", "weekly", "completion"],
    );
    assert.equal(week.priority?.priority.name, "High");
  });

  test("`every 15th` and `every month on the 15th`: monthly on that day, first on the next 15th", () => {
    for (const line of [
      "Pay rent every 15th",
      "Pay rent every month on the 15th",
      "Pay rent every 15th of the month",
    ]) {
      const r = parseQuickAdd(line, casual, context);
      assert.equal(r.title, "Pay rent", line);
      assert.deepEqual(
        [r.recurrence?.pattern, r.recurrence?.interval, r.recurrence?.monthDay, r.recurrence?.repeatFrom],
        ["monthly", 1, 15, "schedule"],
        line,
      );
      // Today (15 Jan, 09:00 in Auckland) at 09:00 is not ahead of now: the first is 15 Feb, 09:00 NZDT.
      assert.equal(r.due?.instant, "2030-02-14T20:00:00Z", line);
    }
    const at = parseQuickAdd("Pay rent every 20th at 8pm", casual, context);
    assert.deepEqual([at.title, at.recurrence?.monthDay], ["Pay rent", 20]);
    assert.equal(at.due?.instant, "2030-01-20T07:00:00Z"); // 20 Jan, 20:00 NZDT
    // A month without the day is skipped: the 31st after 15 Jan is 31 Jan; after 1 Feb it is 31 Mar.
    assert.equal(parseQuickAdd("Invoices every 31st", casual, context).due?.instant, "2030-01-30T20:00:00Z");
    const feb = { ...context, now: new Date("2030-02-01T00:00:00Z") };
    assert.equal(parseQuickAdd("Invoices every 31st", casual, feb).due?.instant, "2030-03-30T20:00:00Z");
    const two = parseQuickAdd("Water filter every 2 months on the 1st", casual, context).recurrence;
    assert.deepEqual([two?.interval, two?.monthDay], [2, 1]);
    // Not a day of the month: the words stay in the title.
    assert.equal(parseQuickAdd("Party every 45th", casual, context).recurrence, null);
  });
});
