import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { nextOccurrence, previewOccurrences, type RecurrenceRule } from "../src/index.ts";

const daily = (timezone: string, anchor: string): RecurrenceRule => ({
  pattern: "daily",
  timezone,
  anchor: new Date(anchor),
});
const first = (rule: RecurrenceRule, n: number) =>
  previewOccurrences(rule, rule.anchor, n).map((d) => d.toISOString());

describe("America/New_York", () => {
  it("09:00 stays 09:00 local across spring forward (2027-03-14) and fall back (2027-11-07)", () => {
    assert.deepEqual(first(daily("America/New_York", "2027-03-13T14:00:00Z"), 3), [
      "2027-03-13T14:00:00.000Z",
      "2027-03-14T13:00:00.000Z",
      "2027-03-15T13:00:00.000Z",
    ]);
    assert.deepEqual(first(daily("America/New_York", "2027-11-06T13:00:00Z"), 3), [
      "2027-11-06T13:00:00.000Z",
      "2027-11-07T14:00:00.000Z",
      "2027-11-08T14:00:00.000Z",
    ]);
  });

  it("02:30 does not exist on 2027-03-14 and moves forward to 03:30 EDT", () => {
    assert.deepEqual(first(daily("America/New_York", "2027-03-13T07:30:00Z"), 3), [
      "2027-03-13T07:30:00.000Z", // 02:30 EST
      "2027-03-14T07:30:00.000Z", // 03:30 EDT
      "2027-03-15T06:30:00.000Z", // 02:30 EDT
    ]);
  });

  it("01:30 happens twice on 2027-11-07 and the earlier (EDT) one is taken", () => {
    assert.deepEqual(first(daily("America/New_York", "2027-11-06T05:30:00Z"), 3), [
      "2027-11-06T05:30:00.000Z",
      "2027-11-07T05:30:00.000Z", // 01:30 EDT, not 06:30Z (01:30 EST)
      "2027-11-08T06:30:00.000Z",
    ]);
  });

  it("an anchor on the second 01:30 is itself the first occurrence", () => {
    const rule = daily("America/New_York", "2027-11-07T06:30:00Z");
    assert.deepEqual(first(rule, 2), ["2027-11-07T06:30:00.000Z", "2027-11-08T06:30:00.000Z"]);
    assert.equal(
      nextOccurrence(rule, new Date("2027-11-07T05:30:00Z"))?.toISOString(),
      "2027-11-07T06:30:00.000Z",
    );
  });
});

describe("Europe/London", () => {
  it("01:30 moves to 02:30 BST on 2027-03-28 and takes the BST 01:30 on 2027-10-31", () => {
    assert.deepEqual(first(daily("Europe/London", "2027-03-27T01:30:00Z"), 3), [
      "2027-03-27T01:30:00.000Z",
      "2027-03-28T01:30:00.000Z", // 02:30 BST
      "2027-03-29T00:30:00.000Z",
    ]);
    assert.deepEqual(first(daily("Europe/London", "2027-10-30T00:30:00Z"), 3), [
      "2027-10-30T00:30:00.000Z",
      "2027-10-31T00:30:00.000Z", // 01:30 BST, the earlier of the two
      "2027-11-01T01:30:00.000Z",
    ]);
  });
});

describe("Australia/Sydney (southern hemisphere)", () => {
  it("02:30 takes the earlier (AEDT) instant when DST ends on 2027-04-04", () => {
    assert.deepEqual(first(daily("Australia/Sydney", "2027-04-02T15:30:00Z"), 3), [
      "2027-04-02T15:30:00.000Z", // Apr 3, 02:30 AEDT
      "2027-04-03T15:30:00.000Z", // Apr 4, 02:30 AEDT (not 02:30 AEST)
      "2027-04-04T16:30:00.000Z", // Apr 5, 02:30 AEST
    ]);
  });

  it("02:30 moves forward to 03:30 AEDT when DST starts on 2027-10-03", () => {
    assert.deepEqual(first(daily("Australia/Sydney", "2027-10-01T16:30:00Z"), 3), [
      "2027-10-01T16:30:00.000Z", // Oct 2, 02:30 AEST
      "2027-10-02T16:30:00.000Z", // Oct 3, 03:30 AEDT
      "2027-10-03T15:30:00.000Z", // Oct 4, 02:30 AEDT
    ]);
  });

  it("weekly Sunday 08:00 keeps 08:00 across the April change", () => {
    const rule: RecurrenceRule = {
      pattern: "weekly",
      timezone: "Australia/Sydney",
      anchor: new Date("2027-03-27T21:00:00Z"), // Sunday Mar 28, 08:00 AEDT
    };
    assert.deepEqual(first(rule, 2), ["2027-03-27T21:00:00.000Z", "2027-04-03T22:00:00.000Z"]);
  });
});

describe("zones with half-hour DST", () => {
  it("Australia/Lord_Howe shifts by 30 minutes and still takes the earlier instant", () => {
    // DST ends 2027-04-04 at 02:00 (+11) -> 01:30 (+10:30): 01:45 happens twice.
    assert.deepEqual(first(daily("Australia/Lord_Howe", "2027-04-02T14:45:00Z"), 3), [
      "2027-04-02T14:45:00.000Z",
      "2027-04-03T14:45:00.000Z",
      "2027-04-04T15:15:00.000Z",
    ]);
  });
});
