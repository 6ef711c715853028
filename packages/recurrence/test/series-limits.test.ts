import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  LAST_INSTANT_MS,
  latestOccurrenceAtOrBefore,
  nextAfterCompletion,
  nextOccurrence,
  previewOccurrences,
  type RecurrenceRule,
} from "../src/index.ts";

const iso = (dates: readonly (Date | null)[]) => dates.map((date) => date?.toISOString() ?? null);

describe("a series ends at 9999-12-31", () => {
  const yearly: RecurrenceRule = {
    pattern: "yearly",
    timezone: "UTC",
    anchor: new Date("9998-06-01T00:00:00Z"),
  };
  it("a preview that would pass year 9999 stops there", () => {
    assert.deepEqual(iso(previewOccurrences(yearly, yearly.anchor, 5)), [
      "9998-06-01T00:00:00.000Z",
      "9999-06-01T00:00:00.000Z",
    ]);
    assert.equal(nextOccurrence(yearly, new Date("9999-06-01T00:00:00Z")), null);
    const cron: RecurrenceRule = { ...yearly, pattern: "custom", cronExpression: "0 0 1 1 *" };
    assert.deepEqual(iso(previewOccurrences(cron, cron.anchor, 5)), ["9999-01-01T00:00:00.000Z"]);
  });
  it("the latest occurrence before a later instant is the last one by 9999", () => {
    assert.equal(
      latestOccurrenceAtOrBefore(yearly, new Date(LAST_INSTANT_MS + 400 * 86_400_000))?.toISOString(),
      "9999-06-01T00:00:00.000Z",
    );
  });
});

describe("repeat from completion", () => {
  const auckland: RecurrenceRule = {
    pattern: "daily",
    interval: 2,
    timezone: "Pacific/Auckland",
    anchor: new Date("2026-11-01T20:00:00Z"), // 09:00 NZDT on Nov 2
  };
  it("completion's local date plus the interval, at the pattern's time of day, in the template's zone", () => {
    // 2026-11-28 23:30 UTC is Nov 29 12:30 in Auckland: two days later at 09:00 local.
    assert.equal(
      nextAfterCompletion(auckland, new Date("2026-11-28T23:30:00Z"))?.toISOString(),
      "2026-11-30T20:00:00.000Z",
    );
  });
  it("monthly clamps to the month's length; weekly adds whole weeks", () => {
    const monthly: RecurrenceRule = {
      pattern: "monthly",
      timezone: "UTC",
      anchor: new Date("2027-01-05T08:00:00Z"),
    };
    assert.equal(
      nextAfterCompletion(monthly, new Date("2027-01-31T17:00:00Z"))?.toISOString(),
      "2027-02-28T08:00:00.000Z",
    );
    const weekly: RecurrenceRule = { ...monthly, pattern: "weekly", weekdays: [1] };
    assert.equal(
      nextAfterCompletion(weekly, new Date("2027-01-07T17:00:00Z"))?.toISOString(),
      "2027-01-14T08:00:00.000Z",
    );
  });
  it("a cron rule's first time after completion; nothing past the end", () => {
    const cron: RecurrenceRule = {
      pattern: "custom",
      cronExpression: "30 9 * * *",
      timezone: "UTC",
      anchor: new Date("2027-01-01T09:30:00Z"),
    };
    assert.equal(
      nextAfterCompletion(cron, new Date("2027-01-03T10:00:00Z"))?.toISOString(),
      "2027-01-04T09:30:00.000Z",
    );
    assert.equal(
      nextAfterCompletion(
        { ...cron, endsAt: new Date("2027-01-04T00:00:00Z") },
        new Date("2027-01-03T10:00:00Z"),
      ),
      null,
    );
  });
});
