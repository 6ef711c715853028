import { clipText as clip, type DomainEvent } from "@todo/contracts";
import { isAllDay, wallClockIn } from "@todo/contracts/all-day";

export interface Message {
  title: string;
  body: string;
}

/** Who reads a message: their IANA time zone (the user's preference; UTC when they set none). */
export interface Reader {
  timeZone: string;
}
const UTC_READER: Reader = { timeZone: "UTC" };

/** The reader's day of an instant: "Sat 28 Nov 2026". */
function formatDay(iso: string, reader: Reader): string {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone: reader.timeZone,
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
  }).formatToParts(new Date(iso));
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("weekday")} ${part("day")} ${part("month")} ${part("year")}`;
}

/**
 * A due time as the reader's wall clock, e.g. "Sat 28 Nov 2026, 09:00 (Pacific/Auckland)"; an
 * all-day one (see @todo/contracts/all-day) as its day, "Sat 28 Nov 2026 (all day)", not 23:59.
 */
export function formatDue(iso: string, reader: Reader): string {
  if (isAllDay(iso, reader.timeZone)) return `${formatDay(iso, reader)} (all day)`;
  const time = wallClockIn(iso, reader.timeZone).time.slice(0, 5);
  return `${formatDay(iso, reader)}, ${time} (${reader.timeZone})`;
}

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;

/** A duration in words, rounded to the minute: "25 min", "1 hour", "2 h 5 min", "3 days". */
function spell(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  if (minutes < 1440) {
    const hours = Math.floor(minutes / 60);
    return minutes % 60 === 0 ? plural(hours, "hour") : `${hours} h ${minutes % 60} min`;
  }
  return plural(Math.round(minutes / 1440), "day");
}

/** The real time left from `at` (when the reminder went out) to `due`: "now", "in 25 min", "overdue by 5 min". */
export function timeLeft(due: string, at: string): string {
  const ms = new Date(due).getTime() - new Date(at).getTime();
  if (Math.abs(ms) < 60_000) return "now";
  return ms > 0 ? `in ${spell(ms)}` : `overdue by ${spell(-ms)}`;
}

/** Days from `from` to `to`, both "YYYY-MM-DD" calendar dates. */
function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/**
 * When a task is due, as a reminder sent at `at` says it: the time left for a timed one (see
 * timeLeft); for an all-day one its day in the reader's zone, "today", "tomorrow", "on Sat 28 Nov
 * 2026", or "overdue" once the day is over.
 */
export function dueWhen(due: string, at: string, reader: Reader): string {
  if (!isAllDay(due, reader.timeZone)) return timeLeft(due, at);
  if (new Date(at).getTime() > new Date(due).getTime()) return "overdue";
  const days = daysBetween(wallClockIn(at, reader.timeZone).date, wallClockIn(due, reader.timeZone).date);
  if (days === 0) return "today";
  if (days === 1) return "tomorrow";
  return `on ${formatDay(due, reader)}`;
}

/** A reminder title's opening: "Due in 25 min", "Due tomorrow", "Overdue by 5 min", "Overdue". */
const reminderLead = (when: string) => (when.startsWith("overdue") ? `O${when.slice(1)}` : `Due ${when}`);

/**
 * What the user reads for an event, in every channel (in-app, e-mail, push); null for events that
 * notify nobody. Times are the reader's wall clock; a reminder says the time left when it went out
 * (the event's timestamp), not the offset it was set for, which a late tick would make untrue.
 */
export function renderMessage(event: DomainEvent, reader: Reader = UTC_READER): Message | null {
  switch (event.event_type) {
    case "task.completed":
      return {
        title: clip(`Completed: ${event.data.task.title}`, 200),
        body: "Well done, the task is done.",
      };
    case "task.due.approaching":
      return {
        title: clip(
          `${reminderLead(dueWhen(event.data.due_date, event.timestamp, reader))}: ${event.data.task.title}`,
          200,
        ),
        body: `“${clip(event.data.task.title, 150)}” is due ${formatDue(event.data.due_date, reader)}.`,
      };
    case "task.created": {
      const due = event.data.task.due_date;
      return {
        title: clip(`New: ${event.data.task.title}`, 200),
        body: due
          ? `Your recurring task has a new instance, due ${formatDue(due, reader)}.`
          : "Your recurring task has a new instance.",
      };
    }
    case "task.updated": {
      const fields = event.data.changed_fields?.filter((f) => f !== "updated_at") ?? [];
      return {
        title: clip(`Changed: ${event.data.task.title}`, 200),
        body: fields.length > 0 ? `Changed: ${fields.join(", ")}.` : "The task was changed.",
      };
    }
    case "task.deleted":
      return { title: clip(`Deleted: ${event.data.task.title}`, 200), body: "The task was deleted." };
    case "notification.send":
      return { title: event.data.title, body: event.data.body };
    case "notification.created":
    case "user.deleted":
      return null;
  }
}

const escapes: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => escapes[c]!);

/** The e-mail for a message: plain text and HTML with the same words. */
export function renderEmail(message: Message): { subject: string; text: string; html: string } {
  return {
    subject: clip(message.title, 200),
    text: `${message.body}\n\n— Todo\n`,
    html: `<!doctype html><html><body style="font-family:system-ui,sans-serif">
<h1 style="font-size:18px">${escapeHtml(message.title)}</h1>
<p>${escapeHtml(message.body)}</p>
<p style="color:#6B7280;font-size:12px">Todo — change which e-mails you get in Settings.</p>
</body></html>`,
  };
}
