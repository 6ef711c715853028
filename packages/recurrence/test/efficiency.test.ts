import assert from "node:assert/strict";
import { it } from "node:test";
import { IANAZone } from "luxon";
import { nextOccurrence, type RecurrenceRule } from "../src/index.ts";

it("nextOccurrence does not walk from an anchor decades in the past (counted in zone-offset lookups)", (t) => {
  const anchor = new Date("1975-06-30T07:45:00Z");
  const rules: RecurrenceRule[] = [
    { pattern: "daily", timezone: "America/New_York", anchor },
    { pattern: "weekly", interval: 3, weekdays: [2, 4, 6], timezone: "Europe/London", anchor },
    { pattern: "monthly", interval: 5, timezone: "Australia/Sydney", anchor },
    { pattern: "yearly", timezone: "Asia/Kolkata", anchor },
  ];
  // Every local-time step of the engine asks the zone for its offset; count those questions
  // rather than time the calls (a shared machine makes timings noisy).
  let lookups = 0;
  const offset = IANAZone.prototype.offset;
  t.mock.method(IANAZone.prototype, "offset", function (this: IANAZone, ts: number) {
    lookups++;
    return offset.call(this, ts);
  });
  for (const rule of rules) {
    for (let i = 0; i < 50; i++) {
      const after = new Date(Date.UTC(2030 + i, i % 12, 1 + (i % 28)));
      lookups = 0;
      assert.ok(nextOccurrence(rule, after)! > after);
      // Walking day by day from 1975 would ask ~20,000 times per call; arithmetic, a handful.
      assert.ok(
        lookups > 0 && lookups <= 64,
        `${rule.pattern}: ${lookups} offset lookups after ${after.toISOString()}`,
      );
    }
  }
});
