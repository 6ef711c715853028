import type { Zone } from "luxon";
import { isoWeekday } from "./civil-date.ts";
import { type DaySlots, everyNDays, everyNMonths, weekdaysEveryNWeeks } from "./day-slots.ts";
import { fromLocal, toLocal } from "./local-time.ts";
import type { OccurrenceSchedule } from "./occurrence-schedule.ts";
import type { RecurrencePattern, RecurrenceRule } from "./recurrence-rule.ts";

type CalendarPattern = Exclude<RecurrencePattern, "custom">;

function daySlotsFor(rule: RecurrenceRule, pattern: CalendarPattern, anchorDay: number): DaySlots {
  const interval = rule.interval ?? 1;
  switch (pattern) {
    case "daily":
      return everyNDays(anchorDay, interval);
    case "weekly": {
      const weekdays = rule.weekdays?.length ? rule.weekdays : [isoWeekday(anchorDay)];
      return weekdaysEveryNWeeks(anchorDay, weekdays, interval);
    }
    case "monthly":
      return everyNMonths(anchorDay, interval);
    case "yearly":
      return everyNMonths(anchorDay, 12 * interval);
  }
}

export function calendarSchedule(
  rule: RecurrenceRule,
  pattern: CalendarPattern,
  zone: Zone,
): OccurrenceSchedule {
  const anchorMs = rule.anchor.getTime();
  const anchor = toLocal(zone, anchorMs);
  const slots = daySlotsFor(rule, pattern, anchor.day);
  const count = rule.count ?? Number.POSITIVE_INFINITY;
  const endsAtMs = rule.endsAt?.getTime() ?? Number.POSITIVE_INFINITY;

  // The anchor keeps its own instant: it may be the second 01:30 of a fall-back night.
  const instantAt = (index: number): number => {
    const day = slots.dayAt(index);
    return day === anchor.day ? anchorMs : fromLocal(zone, day, anchor.msOfDay);
  };

  const firstIndexAfter = (afterMs: number): number => {
    // Start a day early: a gap can push the previous day's wall time past local midnight.
    let index = slots.firstIndexOnOrAfter(toLocal(zone, afterMs).day - 1);
    while (instantAt(index) <= afterMs) index++;
    return index;
  };

  return {
    *occurrencesAfter(afterMs) {
      let lastMs = afterMs;
      for (let index = firstIndexAfter(afterMs); index < count; index++) {
        const ms = instantAt(index);
        // Also stops on NaN, i.e. past the end of the Date range.
        if (!(ms <= endsAtMs)) return;
        // A gap that swallows a whole local day (Pacific/Apia, 2011-12-30) lands two slots on one instant.
        if (ms > lastMs) {
          lastMs = ms;
          yield new Date(ms);
        }
      }
    },
    latestAtOrBefore(atMs) {
      const index = Math.min(firstIndexAfter(Math.min(atMs, endsAtMs)), count) - 1;
      return index < 0 ? null : new Date(instantAt(index));
    },
  };
}
