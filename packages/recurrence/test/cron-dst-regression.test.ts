import assert from "node:assert/strict";
import { test } from "node:test";
import { latestOccurrenceAtOrBefore, nextOccurrence } from "../src/index.ts";

// Found by the property tests: cron-parser's prev() skipped the fire that next() moves forward out
// of the spring-forward gap, so "latest at or before" disagreed with the sequence.
test("latest at or before agrees with next() on a DST gap day (30 2 * * * in New York)", () => {
  const rule = {
    pattern: "custom" as const,
    cronExpression: "30 2 * * *",
    timezone: "America/New_York",
    anchor: new Date("2025-02-28T05:00:00.000Z"),
  };
  const gapDay = nextOccurrence(rule, new Date("2025-03-08T08:00:00.000Z"))!;
  assert.equal(gapDay.toISOString(), "2025-03-09T07:30:00.000Z");
  assert.equal(latestOccurrenceAtOrBefore(rule, gapDay)?.toISOString(), "2025-03-09T07:30:00.000Z");
  assert.equal(
    latestOccurrenceAtOrBefore(rule, new Date(gapDay.getTime() - 1))?.toISOString(),
    "2025-03-08T07:30:00.000Z",
  );
});
