import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  browserTimeZone,
  dueState,
  fromZonedInput,
  listTimeZones,
  toZonedInput,
  userTimeZone,
} from "../src/lib/time-zone.ts";

describe("wall-clock inputs in a named time zone", () => {
  test("reads a datetime-local value in the zone and writes it back", () => {
    assert.equal(fromZonedInput("2030-01-15T09:00", "America/New_York"), "2030-01-15T14:00:00Z");
    assert.equal(fromZonedInput("2030-07-15T09:00", "America/New_York"), "2030-07-15T13:00:00Z");
    assert.equal(fromZonedInput("2030-07-15T09:00", "Asia/Kolkata"), "2030-07-15T03:30:00Z");
    assert.equal(fromZonedInput("2030-07-15T09:00", "UTC"), "2030-07-15T09:00:00Z");
    assert.equal(toZonedInput("2030-01-15T14:00:00Z", "America/New_York"), "2030-01-15T09:00");
    assert.equal(toZonedInput("2030-07-15T03:30:00.000Z", "Asia/Kolkata"), "2030-07-15T09:00");
  });

  test("keeps the wall-clock time on both sides of a DST change", () => {
    // Europe/Berlin moves from +01:00 to +02:00 on 2030-03-31 at 02:00.
    assert.equal(fromZonedInput("2030-03-30T09:00", "Europe/Berlin"), "2030-03-30T08:00:00Z");
    assert.equal(fromZonedInput("2030-03-31T09:00", "Europe/Berlin"), "2030-03-31T07:00:00Z");
    for (const value of ["2030-03-30T23:30", "2030-03-31T03:00", "2030-10-27T01:30", "2030-10-27T04:00"]) {
      assert.equal(toZonedInput(fromZonedInput(value, "Europe/Berlin"), "Europe/Berlin"), value);
    }
  });

  test("refuses what is not a date and a time", () => {
    assert.equal(fromZonedInput("", "UTC"), null);
    assert.equal(fromZonedInput("2030-01-15", "UTC"), null);
    assert.equal(toZonedInput(null, "UTC"), "");
    assert.equal(toZonedInput("not a date", "UTC"), "");
  });
});

describe("due state", () => {
  const now = Date.parse("2030-01-15T12:00:00Z");
  test("overdue, due soon (within a day), or neither", () => {
    assert.equal(dueState("2030-01-15T11:59:00Z", false, now), "overdue");
    assert.equal(dueState("2030-01-16T11:00:00Z", false, now), "soon");
    assert.equal(dueState("2030-01-17T12:00:00Z", false, now), null);
    assert.equal(dueState(null, false, now), null);
  });
  test("a completed task is never overdue", () => {
    assert.equal(dueState("2030-01-01T00:00:00Z", true, now), null);
  });
});

describe("the user's zone", () => {
  test("is the saved preference, else the browser's", () => {
    assert.equal(userTimeZone("Pacific/Auckland"), "Pacific/Auckland");
    assert.equal(userTimeZone(null), browserTimeZone());
    assert.equal(userTimeZone(undefined), browserTimeZone());
    assert.equal(userTimeZone(""), browserTimeZone());
  });

  test("falls back to the browser's for a name Intl does not know", () => {
    assert.equal(userTimeZone("Mars/Olympus_Mons"), browserTimeZone());
  });

  test("is among the zones offered, even as an alias the IANA list leaves out", () => {
    assert.ok(listTimeZones("US/Pacific").includes("US/Pacific"));
    assert.ok(listTimeZones().includes("UTC"));
  });
});
