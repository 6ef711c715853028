import { instantOf, scheduleFor } from "./occurrence-schedule.ts";
import type { RecurrenceRule } from "./recurrence-rule.ts";

/** The first occurrence strictly after `after`, or null when the rule has ended (count or endsAt). */
export function nextOccurrence(rule: RecurrenceRule, after: Date): Date | null {
  const first = scheduleFor(rule).occurrencesAfter(instantOf(after, "after")).next();
  return first.done ? null : first.value;
}
