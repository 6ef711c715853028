import { instantOf, scheduleFor } from "./occurrence-schedule.ts";
import type { RecurrenceRule } from "./recurrence-rule.ts";

/**
 * The last instant an occurrence may fall on: the end of the year 9999 UTC. ISO 8601 dates (and so
 * the API's) have four-digit years; a rule whose next occurrence lies past it has ended.
 */
export const LAST_OCCURRENCE_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

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
    LAST_OCCURRENCE_MS,
    count,
  );
}
