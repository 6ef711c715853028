import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { nextOccurrence, previewOccurrences, type RecurrenceRule } from "../src/index.ts";

const iso = (dates: readonly Date[]) => dates.map((date) => date.toISOString());
const first = (rule: RecurrenceRule, n: number) => iso(previewOccurrences(rule, rule.anchor, n));

describe("monthly", () => {
  it("from the 31st gives the last day of shorter months and returns to the 31st", () => {
    const rule: RecurrenceRule = {
      pattern: "monthly",
      timezone: "UTC",
      anchor: new Date("2027-01-31T09:00:00Z"),
    };
    assert.deepEqual(first(rule, 14), [
      "2027-01-31T09:00:00.000Z",
      "2027-02-28T09:00:00.000Z",
      "2027-03-31T09:00:00.000Z",
      "2027-04-30T09:00:00.000Z",
      "2027-05-31T09:00:00.000Z",
      "2027-06-30T09:00:00.000Z",
      "2027-07-31T09:00:00.000Z",
      "2027-08-31T09:00:00.000Z",
      "2027-09-30T09:00:00.000Z",
      "2027-10-31T09:00:00.000Z",
      "2027-11-30T09:00:00.000Z",
      "2027-12-31T09:00:00.000Z",
      "2028-01-31T09:00:00.000Z",
      "2028-02-29T09:00:00.000Z",
    ]);
  });

  it("goes back to the 31st after a clamped month when asked from that month", () => {
    const rule: RecurrenceRule = {
      pattern: "monthly",
      timezone: "UTC",
      anchor: new Date("2027-01-31T09:00:00Z"),
    };
    assert.equal(
      nextOccurrence(rule, new Date("2027-02-28T09:00:00Z"))?.toISOString(),
      "2027-03-31T09:00:00.000Z",
    );
  });

  it("keeps the local time in the rule's zone across DST (New York, 09:00)", () => {
    const rule: RecurrenceRule = {
      pattern: "monthly",
      timezone: "America/New_York",
      anchor: new Date("2027-01-31T14:00:00Z"),
    };
    assert.deepEqual(first(rule, 4), [
      "2027-01-31T14:00:00.000Z",
      "2027-02-28T14:00:00.000Z",
      "2027-03-31T13:00:00.000Z",
      "2027-04-30T13:00:00.000Z",
    ]);
  });

  it("every 3 months counts from the anchor, clamping each month on its own", () => {
    const rule: RecurrenceRule = {
      pattern: "monthly",
      interval: 3,
      timezone: "UTC",
      anchor: new Date("2027-11-30T08:15:00Z"),
    };
    assert.deepEqual(first(rule, 5), [
      "2027-11-30T08:15:00.000Z",
      "2028-02-29T08:15:00.000Z",
      "2028-05-30T08:15:00.000Z",
      "2028-08-30T08:15:00.000Z",
      "2028-11-30T08:15:00.000Z",
    ]);
  });

  it("uses the local day of month, not the UTC one", () => {
    // 2027-01-31 22:00 in Los Angeles is already Feb 1 in UTC.
    const rule: RecurrenceRule = {
      pattern: "monthly",
      timezone: "America/Los_Angeles",
      anchor: new Date("2027-02-01T06:00:00Z"),
    };
    assert.deepEqual(first(rule, 3), [
      "2027-02-01T06:00:00.000Z",
      "2027-03-01T06:00:00.000Z",
      "2027-04-01T05:00:00.000Z",
    ]);
  });
});

describe("yearly", () => {
  it("Feb 29 falls on Feb 28 in common years and returns to Feb 29 in leap years", () => {
    const rule: RecurrenceRule = {
      pattern: "yearly",
      timezone: "UTC",
      anchor: new Date("2028-02-29T07:00:00Z"),
    };
    assert.deepEqual(first(rule, 6), [
      "2028-02-29T07:00:00.000Z",
      "2029-02-28T07:00:00.000Z",
      "2030-02-28T07:00:00.000Z",
      "2031-02-28T07:00:00.000Z",
      "2032-02-29T07:00:00.000Z",
      "2033-02-28T07:00:00.000Z",
    ]);
  });

  it("knows 2100 is not a leap year", () => {
    const rule: RecurrenceRule = {
      pattern: "yearly",
      interval: 4,
      timezone: "UTC",
      anchor: new Date("2096-02-29T00:00:00Z"),
    };
    assert.deepEqual(first(rule, 3), [
      "2096-02-29T00:00:00.000Z",
      "2100-02-28T00:00:00.000Z",
      "2104-02-29T00:00:00.000Z",
    ]);
  });
});

describe("weekly", () => {
  it("keeps the anchor's weekday", () => {
    const rule: RecurrenceRule = {
      pattern: "weekly",
      timezone: "UTC",
      anchor: new Date("2027-01-07T18:30:00Z"),
    };
    assert.deepEqual(first(rule, 3), [
      "2027-01-07T18:30:00.000Z",
      "2027-01-14T18:30:00.000Z",
      "2027-01-21T18:30:00.000Z",
    ]);
  });

  it("every 2 weeks on Monday, Wednesday and Friday", () => {
    const rule: RecurrenceRule = {
      pattern: "weekly",
      interval: 2,
      weekdays: [5, 1, 3],
      timezone: "America/New_York",
      anchor: new Date("2027-01-04T14:00:00Z"), // Monday 09:00 EST
    };
    assert.deepEqual(first(rule, 9), [
      "2027-01-04T14:00:00.000Z",
      "2027-01-06T14:00:00.000Z",
      "2027-01-08T14:00:00.000Z",
      "2027-01-18T14:00:00.000Z",
      "2027-01-20T14:00:00.000Z",
      "2027-01-22T14:00:00.000Z",
      "2027-02-01T14:00:00.000Z",
      "2027-02-03T14:00:00.000Z",
      "2027-02-05T14:00:00.000Z",
    ]);
    assert.equal(
      nextOccurrence(rule, new Date("2027-01-12T00:00:00Z"))?.toISOString(),
      "2027-01-18T14:00:00.000Z",
    );
  });

  it("skips the days of the anchor's week that come before the anchor", () => {
    const rule: RecurrenceRule = {
      pattern: "weekly",
      interval: 2,
      weekdays: [1, 3, 5],
      timezone: "UTC",
      anchor: new Date("2027-01-06T09:00:00Z"), // Wednesday
    };
    assert.deepEqual(first(rule, 3), [
      "2027-01-06T09:00:00.000Z",
      "2027-01-08T09:00:00.000Z",
      "2027-01-18T09:00:00.000Z",
    ]);
  });

  it("starts at the next listed weekday when the anchor's own weekday is not listed", () => {
    const rule: RecurrenceRule = {
      pattern: "weekly",
      interval: 2,
      weekdays: [1],
      timezone: "UTC",
      anchor: new Date("2027-01-05T09:00:00Z"), // Tuesday
    };
    assert.deepEqual(first(rule, 2), ["2027-01-18T09:00:00.000Z", "2027-02-01T09:00:00.000Z"]);
  });
});

describe("daily", () => {
  it("every 3 local days from the anchor", () => {
    const rule: RecurrenceRule = {
      pattern: "daily",
      interval: 3,
      timezone: "Asia/Tokyo",
      anchor: new Date("2027-12-29T23:00:00Z"), // Dec 30, 08:00 in Tokyo
    };
    assert.deepEqual(first(rule, 3), [
      "2027-12-29T23:00:00.000Z",
      "2028-01-01T23:00:00.000Z",
      "2028-01-04T23:00:00.000Z",
    ]);
    assert.equal(
      nextOccurrence(rule, new Date("2028-01-02T00:00:00Z"))?.toISOString(),
      "2028-01-04T23:00:00.000Z",
    );
  });
});

describe("count and endsAt", () => {
  const daily: RecurrenceRule = {
    pattern: "daily",
    timezone: "UTC",
    anchor: new Date("2027-05-01T06:00:00Z"),
  };

  it("count includes the anchor as occurrence #1", () => {
    const rule = { ...daily, count: 3 };
    assert.deepEqual(first(rule, 10), [
      "2027-05-01T06:00:00.000Z",
      "2027-05-02T06:00:00.000Z",
      "2027-05-03T06:00:00.000Z",
    ]);
    assert.equal(nextOccurrence(rule, new Date("2027-05-03T06:00:00Z")), null);
  });

  it("count is counted from the anchor, not from the preview start", () => {
    const rule = { ...daily, count: 5 };
    assert.equal(previewOccurrences(rule, new Date("2027-05-04T00:00:00Z"), 10).length, 2);
  });

  it("endsAt is inclusive", () => {
    const rule = { ...daily, endsAt: new Date("2027-05-03T06:00:00Z") };
    assert.equal(first(rule, 10).length, 3);
    assert.equal(
      nextOccurrence(rule, new Date("2027-05-02T07:00:00Z"))?.toISOString(),
      "2027-05-03T06:00:00.000Z",
    );
    assert.equal(nextOccurrence(rule, new Date("2027-05-03T06:00:00Z")), null);
  });

  it("nothing before the anchor", () => {
    assert.equal(
      nextOccurrence(daily, new Date("2000-01-01T00:00:00Z"))?.toISOString(),
      "2027-05-01T06:00:00.000Z",
    );
  });
});
