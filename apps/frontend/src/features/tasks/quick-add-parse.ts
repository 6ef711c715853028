import type { Priority, RecurrencePattern, Tag } from "@todo/contracts";
import type { casual } from "chrono-node/en";
import { addDays, allDayInstant, fromZonedInput, localDate, toZonedInput } from "../../lib/time-zone";

/** chrono-node's English parser (loaded after first paint, ~20 KiB gzip). */
export type DateParser = Pick<typeof casual, "parse">;

export type ChipKind = "due" | "priority" | "tags" | "recurrence";

export interface Recurrence {
  pattern: RecurrencePattern;
  interval: number;
  /** ISO weekdays, 1 = Monday … 7 = Sunday; weekly only. */
  weekdays: number[] | null;
  /** The day of the month (1–31) a monthly series falls on ("every 15th"); else null. */
  monthDay: number | null;
  /**
   * `completion` for `every!` (Todoist's syntax): the next one is due an interval after this one
   * is completed, the template's `repeat_from`; else `schedule`.
   */
  repeatFrom: "schedule" | "completion";
  /** What was typed ("every Monday"). */
  text: string;
}

export interface QuickAddResult {
  /** What no rule understood: the task's title. */
  title: string;
  /** An ISO instant; for an all-day date the last second of that day in the zone. */
  due: { instant: string; allDay: boolean; text: string } | null;
  priority: { priority: Priority; text: string } | null;
  /** Tag names as typed after `#`, with the existing tag when one has that name. */
  tags: { name: string; tag: Tag | undefined }[];
  recurrence: Recurrence | null;
}

export interface QuickAddContext {
  now: Date;
  timeZone: string;
  priorities: Priority[];
  tags: Tag[];
  /** Kinds the person removed: their text stays in the title. */
  ignore?: ReadonlySet<ChipKind>;
  /**
   * The local day ("2030-01-15") a line that names no date is due on, all day: quick add in the
   * Today view passes today. Unset: such a line has no due date.
   */
  defaultDay?: string | undefined;
}

/** A due date on `day` all day (the last second of that day in `timeZone`), as quick add reads it. */
export function allDayDue(day: string, timeZone: string): NonNullable<QuickAddResult["due"]> | null {
  const instant = allDayInstant(day, timeZone);
  return instant ? { instant, allDay: true, text: "" } : null;
}

const WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
const DAY = `(?:${WEEKDAYS.join("|")}|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)s?`;
const UNITS: Record<string, RecurrencePattern> = {
  day: "daily",
  week: "weekly",
  month: "monthly",
  year: "yearly",
};
const RECURRENCE = new RegExp(
  `\\b(?:every(!)?\\s+(?:(other)\\s+|(\\d{1,3})\\s+)?(day|week|month|year|weekday|${DAY}(?:\\s*(?:,|and)\\s*${DAY})*)s?|(daily|weekly|monthly|yearly))\\b`,
  "i",
);
/** "every 15th", "every! 1st of the month", "every month on the 15th", "every 2 months on the 1st". */
const MONTH_DAY =
  /\bevery(!)?\s+(?:(?:(other)\s+|(\d{1,3})\s+)?months?\s+on\s+the\s+(\d{1,2})(?:st|nd|rd|th)|(\d{1,2})(?:st|nd|rd|th)(?:\s+of\s+(?:the|each|every)\s+month)?)\b/i;

/** A monthly series on one day of the month, or null when the words are not one (or the day is not 1–31). */
function readMonthDay(match: RegExpExecArray): Recurrence | null {
  const [text, bang, other, count, onDay, shortDay] = match;
  const monthDay = Number(onDay ?? shortDay);
  if (!(monthDay >= 1 && monthDay <= 31)) return null;
  const interval = other ? 2 : count ? Number(count) : 1;
  const repeatFrom = bang ? "completion" : "schedule";
  return { pattern: "monthly", interval, weekdays: null, monthDay, repeatFrom, text };
}

function weekdayNumber(word: string): number {
  const w = word.toLowerCase();
  return WEEKDAYS.findIndex((d) => d.startsWith(w.slice(0, 3))) + 1;
}

function readRecurrence(match: RegExpExecArray): Recurrence {
  const [text, bang, other, count, unit, adverb] = match;
  const interval = other ? 2 : count ? Number(count) : 1;
  const base = { monthDay: null, repeatFrom: bang ? "completion" : "schedule", text } as const;
  if (adverb)
    return { ...base, pattern: adverb.toLowerCase() as RecurrencePattern, interval: 1, weekdays: null };
  const word = (unit ?? "").toLowerCase();
  if (UNITS[word]) return { ...base, pattern: UNITS[word], interval, weekdays: null };
  if (word === "weekday") return { ...base, pattern: "weekly", interval, weekdays: [1, 2, 3, 4, 5] };
  const days = [...new Set(word.split(/\s*(?:,|and)\s*/).map((d) => weekdayNumber(d.replace(/s$/, ""))))];
  return { ...base, pattern: "weekly", interval, weekdays: days.sort() };
}

const pad = (n: number) => String(n).padStart(2, "0");

/** The zone's wall clock as a Date in the runtime's zone: chrono reads its reference that way. */
function wallClockDate(now: Date, timeZone: string): Date {
  const [date, time] = toZonedInput(now.toISOString(), timeZone).split("T");
  const [y, m, d] = (date ?? "").split("-").map(Number) as [number, number, number];
  const [h, mi] = (time ?? "").split(":").map(Number) as [number, number];
  return new Date(y, m - 1, d, h, mi);
}

/** The first day on or after `today` whose ISO weekday is in `weekdays` and whose time is still ahead. */
function firstWeekday(today: string, weekdays: number[], time: string, timeZone: string, now: Date): string {
  for (let i = 0; i < 8; i++) {
    const day = addDays(today, i);
    const iso = new Date(`${day}T12:00:00Z`).getUTCDay() || 7;
    const at = fromZonedInput(`${day}T${time}`, timeZone);
    if (weekdays.includes(iso) && at && new Date(at) > now) return at;
  }
  return fromZonedInput(`${addDays(today, 7)}T${time}`, timeZone) ?? now.toISOString();
}

/** The first day on or after `today` that is day `monthDay` of its month and whose time is still ahead. */
function firstMonthDay(today: string, monthDay: number, time: string, timeZone: string, now: Date): string {
  const [y, m] = today.split("-").map(Number) as [number, number];
  // Months without that day (the 31st in April) are skipped, as the series itself skips them.
  for (let i = 0; i < 14; i++) {
    const first = new Date(Date.UTC(y, m - 1 + i, 1));
    const day = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), monthDay));
    if (day.getUTCMonth() !== first.getUTCMonth()) continue;
    const at = fromZonedInput(`${day.toISOString().slice(0, 10)}T${time}`, timeZone);
    if (at && new Date(at) > now) return at;
  }
  return now.toISOString();
}

/**
 * Reads a quick-add line such as `Pay rent tomorrow 9am p1 #home` or `Water plants every Monday
 * at 8`: `p1`…`p4` is a priority (p1 the highest, as in Todoist), `#word` a tag, `every …` (or
 * daily/weekly/monthly/yearly) a recurrence (`every 15th` / `every month on the 15th`: monthly on
 * that day; `every! …`: repeated from completion, Todoist's syntax), and the date and time phrase
 * (chrono-node, read in `timeZone`, never in the past) the due date, or with a recurrence its first occurrence (09:00 when
 * no time is given). A date without a time is all day; no date at all is `defaultDay`, all day,
 * when given. Whatever is left is the title.
 */
export function parseQuickAdd(text: string, parser: DateParser, context: QuickAddContext): QuickAddResult {
  const { now, timeZone, ignore = new Set() } = context;
  let rest = ` ${text} `;
  const cut = (match: { index: number; text: string }) => {
    rest = `${rest.slice(0, match.index)} ${rest.slice(match.index + match.text.length)}`;
  };

  let priority: QuickAddResult["priority"] = null;
  const byLevel = [...context.priorities].sort((a, b) => b.level - a.level);
  const p = ignore.has("priority") ? null : /\s(p([1-4]))(?=\s)/i.exec(rest);
  if (p?.[1] && p[2]) {
    const chosen = byLevel[Number(p[2]) - 1];
    if (chosen) {
      priority = { priority: chosen, text: p[1] };
      cut({ index: p.index + 1, text: p[1] });
    }
  }

  const tags: QuickAddResult["tags"] = [];
  if (!ignore.has("tags")) {
    for (const m of [...rest.matchAll(/\s#([\p{L}\p{N}_-]{1,50})(?=\s)/gu)].reverse()) {
      const name = m[1] ?? "";
      const tag = context.tags.find((t) => t.name.toLowerCase() === name.toLowerCase());
      if (!tags.some((t) => t.name.toLowerCase() === name.toLowerCase()))
        tags.unshift({ name: tag?.name ?? name, tag });
      cut({ index: (m.index ?? 0) + 1, text: `#${name}` });
    }
  }

  let recurrence: Recurrence | null = null;
  const byDay = ignore.has("recurrence") ? null : MONTH_DAY.exec(rest);
  const monthly = byDay ? readMonthDay(byDay) : null;
  const r = ignore.has("recurrence") || monthly ? null : RECURRENCE.exec(rest);
  if (byDay && monthly) {
    recurrence = monthly;
    cut({ index: byDay.index, text: byDay[0] });
  } else if (r) {
    recurrence = readRecurrence(r);
    cut({ index: r.index, text: r[0] });
  }

  let due: QuickAddResult["due"] = null;
  const found = ignore.has("due")
    ? undefined
    : parser.parse(rest, wallClockDate(now, timeZone), { forwardDate: true })[0];
  const today = localDate(now, timeZone);
  if (found) {
    const s = found.start;
    const date = `${s.get("year")}-${pad(s.get("month") ?? 1)}-${pad(s.get("day") ?? 1)}`;
    const timed = s.isCertain("hour");
    const time = `${pad(s.get("hour") ?? 9)}:${pad(s.get("minute") ?? 0)}`;
    const instant = timed ? fromZonedInput(`${date}T${time}`, timeZone) : allDayInstant(date, timeZone);
    if (instant) due = { instant, allDay: !timed, text: found.text };
    cut({ index: found.index, text: found.text });
    if (recurrence?.monthDay && due) {
      const at = timed ? time : "09:00";
      due = { ...due, allDay: false, instant: firstMonthDay(today, recurrence.monthDay, at, timeZone, now) };
    } else if (recurrence?.weekdays && due) {
      due = {
        ...due,
        allDay: false,
        instant: firstWeekday(today, recurrence.weekdays, timed ? time : "09:00", timeZone, now),
      };
    } else if (recurrence && due?.allDay) {
      due = { ...due, allDay: false, instant: fromZonedInput(`${date}T09:00`, timeZone) ?? due.instant };
    }
  } else if (recurrence?.monthDay) {
    due = {
      instant: firstMonthDay(today, recurrence.monthDay, "09:00", timeZone, now),
      allDay: false,
      text: "",
    };
  } else if (recurrence) {
    const start = recurrence.weekdays
      ? firstWeekday(today, recurrence.weekdays, "09:00", timeZone, now)
      : firstWeekday(today, [1, 2, 3, 4, 5, 6, 7], "09:00", timeZone, now);
    due = { instant: start, allDay: false, text: "" };
  }
  if (!due && context.defaultDay && !ignore.has("due")) due = allDayDue(context.defaultDay, timeZone);

  return { title: rest.replace(/\s+/g, " ").trim(), due, priority, tags, recurrence };
}
