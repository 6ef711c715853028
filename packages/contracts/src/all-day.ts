// The all-day rule, in one place for the web app and the notification texts. No zod here: the
// web app loads this on first paint, while the schemas load later.

/**
 * An all-day due date is stored as an instant like any other: the last second of that day in the
 * user's time zone, 23:59:59 on their wall clock. It sorts after the day's timed tasks, is overdue
 * only once the day is over, and reminders count back from it ("1 day before" = 23:59:59 the day
 * before). A due date that reads 23:59:59 in the reader's zone is read as "all day".
 */
export const ALL_DAY_TIME = "23:59:59";

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall clock of `instant` in the IANA zone `timeZone`, as "YYYY-MM-DD" and "HH:MM:SS". */
export function wallClockIn(instant: string | Date, timeZone: string): { date: string; time: string } {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, formatter);
  }
  const part: Record<string, string> = {};
  for (const p of formatter.formatToParts(new Date(instant))) part[p.type] = p.value;
  return {
    date: `${part.year}-${part.month}-${part.day}`,
    time: `${part.hour}:${part.minute}:${part.second}`,
  };
}

/** Whether a due date is all day for a reader in `timeZone`: it reads ALL_DAY_TIME on their wall clock. */
export function isAllDay(iso: string | null | undefined, timeZone: string): boolean {
  return iso ? wallClockIn(iso, timeZone).time === ALL_DAY_TIME : false;
}
