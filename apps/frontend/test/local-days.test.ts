import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  addDays,
  allDayInstant,
  formatDue,
  isAllDay,
  localDate,
  startOfLocalDay,
} from "../src/lib/time-zone.ts";

describe("local calendar days", () => {
  test("an instant's date is the date in the zone, not in UTC", () => {
    // 11:30 UTC on 14 Jan is already 15 Jan in Auckland (UTC+13 in summer).
    assert.equal(localDate("2030-01-14T11:30:00Z", "Pacific/Auckland"), "2030-01-15");
    assert.equal(localDate("2030-01-14T11:30:00Z", "Europe/Berlin"), "2030-01-14");
  });

  test("days start at local midnight, DST included", () => {
    assert.equal(startOfLocalDay("2030-01-15", "Europe/Berlin"), "2030-01-14T23:00:00Z");
    assert.equal(startOfLocalDay("2030-07-15", "Europe/Berlin"), "2030-07-14T22:00:00Z");
    assert.equal(startOfLocalDay("2030-01-15", "Pacific/Auckland"), "2030-01-14T11:00:00Z");
  });

  test("addDays crosses months and years", () => {
    assert.equal(addDays("2030-12-30", 3), "2031-01-02");
    assert.equal(addDays("2030-03-01", -1), "2030-02-28");
  });
});

describe("all-day due dates", () => {
  test("are stored as the last second of the local day and read back as all day", () => {
    const due = allDayInstant("2030-01-15", "Europe/Berlin");
    assert.equal(due, "2030-01-15T22:59:59Z");
    assert.equal(isAllDay(due, "Europe/Berlin"), true);
    assert.equal(isAllDay("2030-01-15T08:00:00Z", "Europe/Berlin"), false);
    assert.equal(isAllDay(null, "Europe/Berlin"), false);
  });

  test("show as a date without a time", () => {
    const due = allDayInstant("2030-01-15", "Pacific/Auckland")!;
    assert.equal(formatDue(due, "Pacific/Auckland").includes("15"), true);
    assert.doesNotMatch(formatDue(due, "Pacific/Auckland"), /11:59|23:59/);
    assert.match(formatDue("2030-01-15T08:00:00Z", "UTC"), /8:00/);
  });
});
