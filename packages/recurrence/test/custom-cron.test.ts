import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  latestOccurrenceAtOrBefore,
  nextOccurrence,
  previewOccurrences,
  type RecurrenceRule,
} from "../src/index.ts";

const mondayNine: RecurrenceRule = {
  pattern: "custom",
  cronExpression: "0 9 * * MON",
  timezone: "America/New_York",
  anchor: new Date("2027-03-01T00:00:00Z"),
};
const iso = (dates: readonly (Date | null)[]) => dates.map((date) => date?.toISOString() ?? null);

describe("custom cron rules", () => {
  it("0 9 * * MON stays 09:00 in New York across the March 2027 change", () => {
    assert.deepEqual(iso(previewOccurrences(mondayNine, mondayNine.anchor, 3)), [
      "2027-03-01T14:00:00.000Z",
      "2027-03-08T14:00:00.000Z",
      "2027-03-15T13:00:00.000Z",
    ]);
  });

  it("next is strictly after, even when `after` is itself an occurrence", () => {
    assert.equal(
      nextOccurrence(mondayNine, new Date("2027-03-08T14:00:00Z"))?.toISOString(),
      "2027-03-15T13:00:00.000Z",
    );
    assert.equal(
      nextOccurrence(mondayNine, new Date("2027-03-08T13:59:59.999Z"))?.toISOString(),
      "2027-03-08T14:00:00.000Z",
    );
  });

  it("nothing before the anchor", () => {
    assert.equal(
      nextOccurrence(mondayNine, new Date("2020-01-01T00:00:00Z"))?.toISOString(),
      "2027-03-01T14:00:00.000Z",
    );
    assert.equal(latestOccurrenceAtOrBefore(mondayNine, new Date("2027-03-01T13:00:00Z")), null);
  });

  it("count counts cron fires from the anchor", () => {
    const rule = { ...mondayNine, count: 2 };
    assert.equal(previewOccurrences(rule, rule.anchor, 5).length, 2);
    assert.equal(nextOccurrence(rule, new Date("2027-03-08T14:00:00Z")), null);
    assert.equal(
      latestOccurrenceAtOrBefore(rule, new Date("2027-06-01T00:00:00Z"))?.toISOString(),
      "2027-03-08T14:00:00.000Z",
    );
  });

  it("endsAt stops the rule", () => {
    const rule = { ...mondayNine, endsAt: new Date("2027-03-10T00:00:00Z") };
    assert.equal(previewOccurrences(rule, rule.anchor, 5).length, 2);
    assert.equal(
      latestOccurrenceAtOrBefore(rule, new Date("2027-06-01T00:00:00Z"))?.toISOString(),
      "2027-03-08T14:00:00.000Z",
    );
  });

  it("agrees with the calendar rules on DST gap and overlap days", () => {
    const base = { timezone: "America/New_York" };
    const cron = (expr: string, anchor: string): RecurrenceRule => ({
      ...base,
      pattern: "custom",
      cronExpression: expr,
      anchor: new Date(anchor),
    });
    const daily = (anchor: string): RecurrenceRule => ({
      ...base,
      pattern: "daily",
      anchor: new Date(anchor),
    });
    for (const [expr, anchor] of [
      ["30 2 * * *", "2027-03-12T07:30:00Z"],
      ["30 1 * * *", "2027-11-05T05:30:00Z"],
    ] as const) {
      assert.deepEqual(
        iso(previewOccurrences(cron(expr, anchor), new Date(anchor), 5)),
        iso(previewOccurrences(daily(anchor), new Date(anchor), 5)),
        expr,
      );
    }
  });
});
