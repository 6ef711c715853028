import { collect } from "./list-occurrences.ts";
import { instantOf, scheduleFor } from "./occurrence-schedule.ts";
import type { RecurrenceRule } from "./recurrence-rule.ts";

/**
 * Catch-up policy `all`: occurrences with `since <= t <= now`, oldest first, at most `limit`.
 * Pass the template's stored next occurrence as `since`.
 */
export function missedOccurrences(rule: RecurrenceRule, since: Date, now: Date, limit: number): Date[] {
  const schedule = scheduleFor(rule);
  return collect(schedule.occurrencesAfter(instantOf(since, "since") - 1), instantOf(now, "now"), limit);
}

/** Catch-up policy `latest`: the most recent occurrence at or before `now`, or null if none yet. */
export function latestOccurrenceAtOrBefore(rule: RecurrenceRule, now: Date): Date | null {
  return scheduleFor(rule).latestAtOrBefore(instantOf(now, "now"));
}
