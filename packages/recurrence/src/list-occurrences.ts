import { instantOf, scheduleFor } from "./occurrence-schedule.ts";
import type { RecurrenceRule } from "./recurrence-rule.ts";

export function collect(occurrences: Iterable<Date>, untilMs: number, limit: number): Date[] {
  const found: Date[] = [];
  if (!(limit >= 1)) return found;
  for (const occurrence of occurrences) {
    if (occurrence.getTime() > untilMs) break;
    found.push(occurrence);
    if (found.length >= limit) break;
  }
  return found;
}

/** Occurrences with `from <= t < to` (a window: adjacent windows never share one), at most `limit`. */
export function occurrencesBetween(rule: RecurrenceRule, from: Date, to: Date, limit: number): Date[] {
  const schedule = scheduleFor(rule);
  return collect(schedule.occurrencesAfter(instantOf(from, "from") - 1), instantOf(to, "to") - 1, limit);
}

/** The first `count` occurrences at or after `startingAt`; fewer when the rule ends. */
export function previewOccurrences(rule: RecurrenceRule, startingAt: Date, count: number): Date[] {
  const schedule = scheduleFor(rule);
  return collect(
    schedule.occurrencesAfter(instantOf(startingAt, "startingAt") - 1),
    Number.POSITIVE_INFINITY,
    count,
  );
}
