import { civilDate, dayNumber, daysInMonth } from "./civil-date.ts";
import { fromLocal, toLocal } from "./local-time.ts";
import { instantOf, LAST_INSTANT_MS, scheduleFor } from "./occurrence-schedule.ts";
import type { RecurrenceRule } from "./recurrence-rule.ts";
import { zoneFor } from "./time-zone.ts";

/** The local day `months` months after `day`, its day of month clamped to that month's length. */
function addMonths(day: number, months: number): number {
  const date = civilDate(day);
  const index = date.year * 12 + date.month - 1 + months;
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  return dayNumber(year, month, Math.min(date.day, daysInMonth(year, month)));
}

/**
 * The next occurrence of a series that repeats from completion (Todoist's `every!`, Vikunja's
 * "repeat from current date"): the local date of `completedAt` in the rule's zone plus the interval
 * (N days; N weeks; N months or years with the day clamped to the month's length), at the anchor's
 * local time of day. A weekly rule's weekdays are not consulted: the interval counts from the
 * completion day. A custom (cron) rule has no interval: its first time after `completedAt`.
 * Null when that passes `endsAt` or 9999-12-31. `count` is the caller's to check (it knows how
 * many instances exist). Throws InvalidRecurrenceRuleError for an invalid rule.
 */
export function nextAfterCompletion(rule: RecurrenceRule, completedAt: Date): Date | null {
  const completedMs = instantOf(completedAt, "completedAt");
  const endsAtMs = Math.min(rule.endsAt?.getTime() ?? Number.POSITIVE_INFINITY, LAST_INSTANT_MS);
  if (rule.pattern === "custom") {
    const next = scheduleFor({ ...rule, count: null })
      .occurrencesAfter(completedMs)
      .next();
    return next.done || next.value.getTime() > endsAtMs ? null : next.value;
  }
  scheduleFor(rule); // validates the rule
  const zone = zoneFor(rule.timezone)!;
  const interval = rule.interval ?? 1;
  const day = toLocal(zone, completedMs).day;
  const nextDay =
    rule.pattern === "daily"
      ? day + interval
      : rule.pattern === "weekly"
        ? day + 7 * interval
        : addMonths(day, rule.pattern === "monthly" ? interval : 12 * interval);
  const ms = fromLocal(zone, nextDay, toLocal(zone, rule.anchor.getTime()).msOfDay);
  return ms > endsAtMs ? null : new Date(ms);
}
