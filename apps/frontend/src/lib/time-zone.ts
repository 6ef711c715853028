// Date-time inputs hold wall-clock time ("2027-01-15T09:00"); the API wants an instant. These convert
// between the two in a named IANA zone: the user's (their preference, else the browser's) for tasks and
// notifications, a template's own for its schedule.

// The all-day rule (the last second of the local day) is shared with the notification texts.
import { ALL_DAY_TIME, isAllDay, wallClockIn } from "@todo/contracts/all-day";

export { ALL_DAY_TIME, isAllDay };

export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

/** Whether this browser knows the IANA zone name (e.g. "Pacific/Auckland"). */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return true;
  } catch {
    return false;
  }
}

/**
 * The zone the web app uses for a user: their saved preference (`users.timezone`), or the
 * browser's when it is unset or a name this browser does not know.
 */
export function userTimeZone(preference: string | null | undefined): string {
  return preference && isKnownTimeZone(preference) ? preference : browserTimeZone();
}

/** The zones to choose from: the browser's IANA list, UTC, the browser's own and any `extra`, sorted. */
export function listTimeZones(...extra: string[]): string[] {
  const zones =
    typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : ([] as string[]);
  const all = new Set(zones);
  all.add("UTC");
  all.add(browserTimeZone());
  for (const zone of extra) all.add(zone);
  return [...all].sort();
}

/** The zone's wall clock at an instant, as numbers (year, month, day, hour, minute, second). */
function wallClock(date: Date, timeZone: string): Record<string, number> {
  const { date: day, time } = wallClockIn(date, timeZone);
  const [year, month, dayOfMonth] = day.split("-").map(Number);
  const [hour, minute, second] = time.split(":").map(Number);
  return { year: year!, month: month!, day: dayOfMonth!, hour: hour!, minute: minute!, second: second! };
}

/** Minutes the zone is ahead of UTC at that instant. */
function offsetMinutes(date: Date, timeZone: string): number {
  const w = wallClock(date, timeZone);
  const asUtc = Date.UTC(w.year!, w.month! - 1, w.day!, w.hour!, w.minute!, w.second!);
  return Math.round((asUtc - Math.floor(date.getTime() / 1000) * 1000) / 60_000);
}

const pad = (n: number) => String(n).padStart(2, "0");

/** An instant as the value of an `<input type="datetime-local">` in the zone. */
export function toZonedInput(iso: string | null | undefined, timeZone: string): string {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  const w = wallClock(date, timeZone);
  return `${w.year}-${pad(w.month!)}-${pad(w.day!)}T${pad(w.hour!)}:${pad(w.minute!)}`;
}

/** A datetime-local value read as wall-clock time in the zone, as an ISO instant (UTC, Z). */
export function fromZonedInput(value: string, timeZone: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!match) return null;
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
  const naive = Date.UTC(y!, mo! - 1, d!, h!, mi!, Number.isNaN(s) ? 0 : (s ?? 0));
  // Two passes settle the offset near a DST change; a time skipped by the change moves forward.
  let guess = naive - offsetMinutes(new Date(naive), timeZone) * 60_000;
  guess = naive - offsetMinutes(new Date(guess), timeZone) * 60_000;
  return new Date(guess).toISOString().replace(/\.\d{3}Z$/, "Z");
}

// dateStyle/timeStyle cannot be combined with timeZoneName, hence the explicit fields.
const dateTimeFields: Intl.DateTimeFormatOptions = {
  year: "numeric",
  month: "short",
  day: "numeric",
  hour: "numeric",
  minute: "2-digit",
};

export function formatDateTime(iso: string, timeZone: string, withZone = false): string {
  return new Intl.DateTimeFormat(undefined, {
    timeZone,
    ...dateTimeFields,
    ...(withZone ? { timeZoneName: "short" } : {}),
  }).format(new Date(iso));
}

export type DueState = "overdue" | "soon" | null;
export const DUE_SOON_MS = 24 * 60 * 60 * 1000;

export function dueState(dueDate: string | null, completed: boolean, now = Date.now()): DueState {
  if (!dueDate || completed) return null;
  const due = new Date(dueDate).getTime();
  if (due < now) return "overdue";
  if (due - now <= DUE_SOON_MS) return "soon";
  return null;
}

/** "in 3 hours", "2 days ago": for screen readers and a glance. */
export function relativeTime(iso: string, now = Date.now()): string {
  const diff = new Date(iso).getTime() - now;
  const abs = Math.abs(diff);
  const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
  if (abs < 60_000) return rtf.format(Math.round(diff / 1000), "second");
  if (abs < 3_600_000) return rtf.format(Math.round(diff / 60_000), "minute");
  if (abs < 86_400_000) return rtf.format(Math.round(diff / 3_600_000), "hour");
  return rtf.format(Math.round(diff / 86_400_000), "day");
}

/** The calendar date ("2027-01-15") an instant falls on in the zone. */
export function localDate(instant: string | Date, timeZone: string): string {
  const w = wallClock(new Date(instant), timeZone);
  return `${w.year}-${pad(w.month!)}-${pad(w.day!)}`;
}

/** A calendar date `days` later (or earlier); plain calendar arithmetic, no zone involved. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** The instant a local calendar day starts in the zone (midnight, or the first hour after a DST gap). */
export function startOfLocalDay(date: string, timeZone: string): string {
  return fromZonedInput(`${date}T00:00`, timeZone) ?? `${date}T00:00:00Z`;
}

/** The instant of an all-day due date on `date` ("2027-01-15") in the zone: see ALL_DAY_TIME. */
export function allDayInstant(date: string, timeZone: string): string | null {
  return fromZonedInput(`${date}T${ALL_DAY_TIME}`, timeZone);
}

/** A due date for reading: "Jan 15, 2027, 9:00 AM", or "Jan 15, 2027" for an all-day one. */
export function formatDue(iso: string, timeZone: string): string {
  if (!isAllDay(iso, timeZone)) return formatDateTime(iso, timeZone);
  return new Intl.DateTimeFormat(undefined, {
    timeZone,
    year: "numeric",
    month: "short",
    day: "numeric",
  }).format(new Date(iso));
}
