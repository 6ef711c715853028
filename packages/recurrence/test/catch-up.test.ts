import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  latestOccurrenceAtOrBefore,
  missedOccurrences,
  nextOccurrence,
  occurrencesBetween,
  type RecurrenceRule,
} from "../src/index.ts";

const daily: RecurrenceRule = { pattern: "daily", timezone: "UTC", anchor: new Date("2027-01-01T09:00:00Z") };
const storedNext = new Date("2027-01-03T09:00:00Z");
const now = new Date("2027-01-06T12:00:00Z");
const iso = (dates: readonly (Date | null)[]) => dates.map((date) => date?.toISOString() ?? null);

describe("catch-up after downtime", () => {
  it("policy all: every occurrence from the stored next one up to now, capped by limit", () => {
    assert.deepEqual(iso(missedOccurrences(daily, storedNext, now, 10)), [
      "2027-01-03T09:00:00.000Z",
      "2027-01-04T09:00:00.000Z",
      "2027-01-05T09:00:00.000Z",
      "2027-01-06T09:00:00.000Z",
    ]);
    assert.equal(missedOccurrences(daily, storedNext, now, 2).length, 2);
    assert.deepEqual(missedOccurrences(daily, storedNext, now, 0), []);
  });

  it("policy latest: only the most recent one, then resume after now", () => {
    assert.equal(latestOccurrenceAtOrBefore(daily, now)?.toISOString(), "2027-01-06T09:00:00.000Z");
    assert.equal(nextOccurrence(daily, now)?.toISOString(), "2027-01-07T09:00:00.000Z");
  });

  it("now is inclusive: an occurrence due exactly now is missed, not future", () => {
    const exactly = new Date("2027-01-06T09:00:00Z");
    assert.equal(latestOccurrenceAtOrBefore(daily, exactly)?.toISOString(), exactly.toISOString());
    assert.equal(
      missedOccurrences(daily, storedNext, exactly, 10).at(-1)?.toISOString(),
      exactly.toISOString(),
    );
  });

  it("honours count and endsAt", () => {
    assert.equal(
      latestOccurrenceAtOrBefore({ ...daily, count: 2 }, now)?.toISOString(),
      "2027-01-02T09:00:00.000Z",
    );
    assert.deepEqual(missedOccurrences({ ...daily, count: 2 }, storedNext, now, 10), []);
    const ended = { ...daily, endsAt: new Date("2027-01-04T12:00:00Z") };
    assert.equal(latestOccurrenceAtOrBefore(ended, now)?.toISOString(), "2027-01-04T09:00:00.000Z");
    assert.equal(missedOccurrences(ended, storedNext, now, 10).length, 2);
  });

  it("nothing is missed before the anchor", () => {
    assert.equal(latestOccurrenceAtOrBefore(daily, new Date("2026-12-31T00:00:00Z")), null);
  });
});

describe("occurrencesBetween", () => {
  it("is a half-open window [from, to)", () => {
    assert.deepEqual(
      iso(occurrencesBetween(daily, new Date("2027-01-02T09:00:00Z"), new Date("2027-01-04T09:00:00Z"), 10)),
      ["2027-01-02T09:00:00.000Z", "2027-01-03T09:00:00.000Z"],
    );
  });
});
