import { calendarSchedule } from "./calendar-schedule.ts";
import { cronSchedule } from "./cron-schedule.ts";
import { InvalidRecurrenceRuleError } from "./invalid-rule-error.ts";
import type { RecurrenceRule } from "./recurrence-rule.ts";
import { inspectRule } from "./validate-rule.ts";

/** A rule ready to evaluate, with `count` and `endsAt` already applied. */
export interface OccurrenceSchedule {
  /** Occurrences strictly after `afterMs`, ascending, until the rule ends (possibly never). */
  occurrencesAfter(afterMs: number): Generator<Date, void, undefined>;
  latestAtOrBefore(atMs: number): Date | null;
}

/**
 * The last instant a schedule reaches: 9999-12-31T23:59:59.999Z. A year past 9999 has no ISO 8601
 * form (RFC 3339 §5.6 has four-digit years), so a rule ends there instead of answering dates that
 * no client and no API schema can read.
 */
export const LAST_INSTANT_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

export function scheduleFor(rule: RecurrenceRule): OccurrenceSchedule {
  const schedule = unboundedScheduleFor(rule);
  return {
    *occurrencesAfter(afterMs) {
      for (const occurrence of schedule.occurrencesAfter(afterMs)) {
        if (occurrence.getTime() > LAST_INSTANT_MS) return;
        yield occurrence;
      }
    },
    latestAtOrBefore: (atMs) => schedule.latestAtOrBefore(Math.min(atMs, LAST_INSTANT_MS)),
  };
}

function unboundedScheduleFor(rule: RecurrenceRule): OccurrenceSchedule {
  const inspected = inspectRule(rule);
  if (inspected.problems.length > 0 || inspected.zone === null) {
    throw new InvalidRecurrenceRuleError(inspected.problems);
  }
  if (rule.pattern === "custom") {
    if (inspected.cron === null) throw new InvalidRecurrenceRuleError(inspected.problems);
    return cronSchedule(rule, inspected.cron);
  }
  return calendarSchedule(rule, rule.pattern, inspected.zone);
}

/** Milliseconds of a Date argument; an Invalid Date is a caller bug, not "no occurrence". */
export function instantOf(value: Date, name: string): number {
  const ms = value instanceof Date ? value.getTime() : Number.NaN;
  if (Number.isNaN(ms)) throw new RangeError(`${name} must be a valid Date`);
  return ms;
}
