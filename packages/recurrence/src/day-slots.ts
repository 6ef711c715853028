import { civilDate, dayNumber, daysInMonth, isoWeekday } from "./civil-date.ts";

/**
 * The local days a calendar rule fires on, numbered 0, 1, 2… from the anchor. Both directions are
 * arithmetic, so a rule anchored years ago costs the same as one anchored yesterday.
 */
export interface DaySlots {
  dayAt(index: number): number;
  /** Smallest index whose day is >= `day` (0 for any day up to the first slot). */
  firstIndexOnOrAfter(day: number): number;
}

export function everyNDays(anchorDay: number, step: number): DaySlots {
  return {
    dayAt: (index) => anchorDay + index * step,
    firstIndexOnOrAfter: (day) => Math.max(0, Math.ceil((day - anchorDay) / step)),
  };
}

/**
 * Month n is always anchor month + n * step with the anchor's day clamped to that month's length,
 * never derived from the previous (possibly clamped) slot: Jan 31 → Feb 28 → Mar 31 → Apr 30.
 */
export function everyNMonths(anchorDay: number, step: number): DaySlots {
  const anchor = civilDate(anchorDay);
  const anchorMonth = anchor.year * 12 + anchor.month - 1;
  const dayAt = (index: number): number => {
    const monthIndex = anchorMonth + index * step;
    const year = Math.floor(monthIndex / 12);
    const month = monthIndex - year * 12 + 1;
    return dayNumber(year, month, Math.min(anchor.day, daysInMonth(year, month)));
  };
  return {
    dayAt,
    firstIndexOnOrAfter: (day) => {
      const target = civilDate(day);
      const index = Math.floor((target.year * 12 + target.month - 1 - anchorMonth) / step);
      if (index < 0) return 0;
      return dayAt(index) < day ? index + 1 : index;
    },
  };
}

/**
 * Given ISO weekdays in every `intervalWeeks`-th week, counting weeks (Monday to Sunday) from the
 * anchor's week. Days of the anchor's week before the anchor are not occurrences.
 */
export function weekdaysEveryNWeeks(
  anchorDay: number,
  weekdays: readonly number[],
  intervalWeeks: number,
): DaySlots {
  const sorted = [...new Set(weekdays)].sort((a, b) => a - b);
  const perWeek = sorted.length;
  const periodDays = 7 * intervalWeeks;
  const anchorWeekday = isoWeekday(anchorDay);
  const firstMonday = anchorDay - (anchorWeekday - 1);
  // Slots are numbered over all fired weeks from the anchor's Monday; these precede the anchor.
  const skipped = sorted.filter((weekday) => weekday < anchorWeekday).length;
  return {
    dayAt: (index) => {
      const slot = index + skipped;
      const period = Math.floor(slot / perWeek);
      const weekday = sorted[slot - period * perWeek] ?? Number.NaN;
      return firstMonday + period * periodDays + weekday - 1;
    },
    firstIndexOnOrAfter: (day) => {
      const sinceMonday = day - firstMonday;
      const period = Math.floor(sinceMonday / periodDays);
      const weekday = sinceMonday - period * periodDays + 1; // > 7 inside the weeks that do not fire
      const inWeek = sorted.findIndex((candidate) => candidate >= weekday);
      const slot = inWeek === -1 ? (period + 1) * perWeek : period * perWeek + inWeek;
      return Math.max(0, slot - skipped);
    },
  };
}
