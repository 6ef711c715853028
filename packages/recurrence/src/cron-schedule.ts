import type { CronExpression } from "cron-parser";
import type { OccurrenceSchedule } from "./occurrence-schedule.ts";
import type { RecurrenceRule } from "./recurrence-rule.ts";

/**
 * Custom rules fire at the cron's times at or after the anchor. cron-parser applies the rule's time
 * zone itself (daily wall times keep the earlier instant in an overlap and move forward in a gap).
 */
export function cronSchedule(rule: RecurrenceRule, expression: CronExpression): OccurrenceSchedule {
  const anchorMs = rule.anchor.getTime();
  const count = rule.count ?? Number.POSITIVE_INFINITY;
  const endsAtMs = rule.endsAt?.getTime() ?? Number.POSITIVE_INFINITY;

  // Reset on every step so interleaved callers cannot move each other's position.
  const fireAfter = (ms: number): number => {
    expression.reset(new Date(ms));
    return expression.next().getTime();
  };

  return {
    *occurrencesAfter(afterMs) {
      // With a count, the ordinal of a fire is only known by walking from the anchor: O(count).
      let ms = count === Number.POSITIVE_INFINITY ? Math.max(anchorMs - 1, afterMs) : anchorMs - 1;
      for (let ordinal = 1; ordinal <= count; ordinal++) {
        ms = fireAfter(ms);
        if (ms > endsAtMs) return;
        if (ms > afterMs) yield new Date(ms);
      }
    },
    latestAtOrBefore(atMs) {
      const capMs = Math.min(atMs, endsAtMs);
      if (capMs < anchorMs) return null;
      if (count === Number.POSITIVE_INFINITY) {
        // cron-parser's prev() disagrees with next() around DST gaps (it can skip the shifted
        // fire), and next() defines the sequence: step back twice, then walk forward with next().
        expression.reset(new Date(capMs + 1));
        expression.prev();
        let ms = Math.max(anchorMs - 1, expression.prev().getTime() - 1);
        let latest: number | null = null;
        for (let next = fireAfter(ms); next <= capMs; next = fireAfter(ms)) {
          latest = next;
          ms = next;
        }
        return latest !== null && latest >= anchorMs ? new Date(latest) : null;
      }
      let latest: Date | null = null;
      let ms = anchorMs - 1;
      for (let ordinal = 1; ordinal <= count; ordinal++) {
        ms = fireAfter(ms);
        if (ms > capMs) break;
        latest = new Date(ms);
      }
      return latest;
    },
  };
}
