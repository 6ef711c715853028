import assert from "node:assert/strict";
import { it } from "node:test";
import { nextOccurrence, type RecurrenceRule } from "../src/index.ts";

it("nextOccurrence does not walk from an anchor decades in the past", () => {
  const anchor = new Date("1975-06-30T07:45:00Z");
  const rules: RecurrenceRule[] = [
    { pattern: "daily", timezone: "America/New_York", anchor },
    { pattern: "weekly", interval: 3, weekdays: [2, 4, 6], timezone: "Europe/London", anchor },
    { pattern: "monthly", interval: 5, timezone: "Australia/Sydney", anchor },
    { pattern: "yearly", timezone: "Asia/Kolkata", anchor },
  ];
  const started = performance.now();
  let calls = 0;
  for (let i = 0; i < 500; i++) {
    for (const rule of rules) {
      const after = new Date(Date.UTC(2030 + (i % 50), i % 12, 1 + (i % 28)));
      assert.ok(nextOccurrence(rule, after)! > after);
      calls++;
    }
  }
  const elapsed = performance.now() - started;
  // Walking day by day from 1975 would cost ~20,000 steps per call; arithmetic is a handful.
  assert.ok(elapsed < 2_000, `${calls} calls took ${elapsed.toFixed(0)} ms`);
});
