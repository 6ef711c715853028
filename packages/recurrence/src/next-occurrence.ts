import { LAST_OCCURRENCE_MS } from "./list-occurrences.ts";
import { instantOf, scheduleFor } from "./occurrence-schedule.ts";
import type { RecurrenceRule } from "./recurrence-rule.ts";

/**
 * The first occurrence strictly after `after`, or null when the rule has ended (count or endsAt,
 * or the next occurrence lies past the year 9999).
 */
export function nextOccurrence(rule: RecurrenceRule, after: Date): Date | null {
  const first = scheduleFor(rule).occurrencesAfter(instantOf(after, "after")).next();
  return first.done || first.value.getTime() > LAST_OCCURRENCE_MS ? null : first.value;
}
