import type { RecurrencePattern, RecurringTask } from "@todo/contracts";
import { fromZonedInput, toZonedInput } from "@/lib/time-zone";

/** The form's field names: the template body's top-level keys. */
export const FIELDS = [
  "template_title",
  "template_description",
  "recurrence_pattern",
  "cron_expression",
  "interval",
  "weekdays",
  "timezone",
  "next_occurrence",
  "ends_at",
  "max_occurrences",
  "catch_up",
  "priority_id",
  "is_active",
  "repeat_from",
  "lead_time_minutes",
  "reminder_offsets_minutes",
] as const;

/** Reminder choices for each instance: "" keeps the default (a day before). */
export const REMINDERS: { value: string; label: string; offsets: number[] | null }[] = [
  { value: "", label: "The default (1 day before)", offsets: null },
  { value: "0", label: "At the due time", offsets: [0] },
  { value: "15", label: "15 minutes before", offsets: [15] },
  { value: "60", label: "1 hour before", offsets: [60] },
  { value: "1440", label: "1 day before", offsets: [1440] },
  { value: "none", label: "No reminder", offsets: [] },
];

export const WEEKDAYS = [
  { iso: 1, short: "Mon", long: "Monday" },
  { iso: 2, short: "Tue", long: "Tuesday" },
  { iso: 3, short: "Wed", long: "Wednesday" },
  { iso: 4, short: "Thu", long: "Thursday" },
  { iso: 5, short: "Fri", long: "Friday" },
  { iso: 6, short: "Sat", long: "Saturday" },
  { iso: 7, short: "Sun", long: "Sunday" },
];

export const UNITS: Record<RecurrencePattern, string> = {
  daily: "days",
  weekly: "weeks",
  monthly: "months",
  yearly: "years",
  custom: "",
};

export type EndMode = "never" | "date" | "count";

/** What the form holds, as typed (datetime-local values in `timeZone`). */
export interface TemplateValues {
  title: string;
  description: string;
  pattern: RecurrencePattern;
  cron: string;
  interval: string;
  weekdays: number[];
  timeZone: string;
  first: string;
  endMode: EndMode;
  endsAt: string;
  maxOccurrences: string;
  catchUp: "latest" | "all";
  priorityId: string;
  active: boolean;
  repeatFrom: "schedule" | "completion";
  leadTime: string;
  reminder: string;
}

function reminderChoice(offsets: number[] | null | undefined): string {
  if (!offsets) return "";
  if (offsets.length === 0) return "none";
  return REMINDERS.find((r) => r.offsets?.length === 1 && r.offsets[0] === offsets[0])?.value ?? "";
}

/** Tomorrow at 09:00 in the zone, as a datetime-local value. */
function tomorrowAtNine(timeZone: string): string {
  const tomorrow = new Date(Date.now() + 24 * 60 * 60 * 1000).toISOString();
  return `${toZonedInput(tomorrow, timeZone).slice(0, 10)}T09:00`;
}

function isoWeekday(value: string): number {
  const [y, m, d] = value.slice(0, 10).split("-").map(Number);
  const day = new Date(Date.UTC(y!, m! - 1, d!)).getUTCDay();
  return day === 0 ? 7 : day;
}

/** The form's first values: the template's, or a new series in the user's zone from tomorrow 09:00. */
export function initialValues(
  template: RecurringTask | undefined,
  userZone: string,
  defaultPriorityId: number | undefined,
): TemplateValues {
  const first = template
    ? toZonedInput(template.next_occurrence, template.timezone)
    : tomorrowAtNine(userZone);
  return {
    title: template?.template_title ?? "",
    description: template?.template_description ?? "",
    pattern: template?.recurrence_pattern ?? "daily",
    cron: template?.cron_expression ?? "",
    interval: String(template?.interval ?? 1),
    weekdays: template?.weekdays ?? [isoWeekday(first || tomorrowAtNine(userZone))],
    timeZone: template?.timezone ?? userZone,
    first,
    endMode: template?.ends_at ? "date" : template?.max_occurrences ? "count" : "never",
    endsAt: template?.ends_at ? toZonedInput(template.ends_at, template.timezone) : "",
    maxOccurrences: String(template?.max_occurrences ?? 10),
    catchUp: template?.catch_up ?? "latest",
    priorityId: String(template?.priority_id ?? defaultPriorityId ?? ""),
    active: template?.is_active ?? true,
    repeatFrom: template?.repeat_from ?? "schedule",
    leadTime: String(template?.lead_time_minutes ?? 0),
    reminder: reminderChoice(template?.reminder_offsets_minutes),
  };
}

/** What the schema cannot say: a datetime-local value that names no instant in the zone. */
export function localErrors(v: TemplateValues): Record<string, string> {
  const errors: Record<string, string> = {};
  if (v.first && !fromZonedInput(v.first, v.timeZone)) errors.next_occurrence = "enter a date and a time";
  if (!v.first && v.pattern !== "custom") errors.next_occurrence = "choose when the first task is due";
  if (v.endMode === "date" && !fromZonedInput(v.endsAt, v.timeZone))
    errors.ends_at = "enter the date and time it ends";
  return errors;
}

/** The request body the values stand for (CreateRecurringTaskBody's shape). */
export function bodyOf(v: TemplateValues) {
  const nextOccurrence = v.first ? fromZonedInput(v.first, v.timeZone) : null;
  const endsAtIso = v.endMode === "date" ? fromZonedInput(v.endsAt, v.timeZone) : null;
  return {
    template_title: v.title,
    template_description: v.description.trim() ? v.description : null,
    recurrence_pattern: v.pattern,
    cron_expression: v.pattern === "custom" ? v.cron : null,
    ...(v.pattern === "custom" ? {} : { interval: Number(v.interval) }),
    weekdays: v.pattern === "weekly" ? v.weekdays : null,
    timezone: v.timeZone,
    ...(nextOccurrence ? { next_occurrence: nextOccurrence } : {}),
    ends_at: endsAtIso,
    max_occurrences: v.endMode === "count" ? Number(v.maxOccurrences) : null,
    catch_up: v.catchUp,
    ...(v.priorityId ? { priority_id: Number(v.priorityId) } : {}),
    is_active: v.active,
    repeat_from: v.repeatFrom,
    lead_time_minutes: Number(v.leadTime),
    reminder_offsets_minutes: REMINDERS.find((r) => r.value === v.reminder)?.offsets ?? null,
  };
}

/**
 * The fields of `body` that differ from what the form showed when it opened: an edit sends only
 * what the user changed, so an untouched field can never move the series (a re-sent next
 * occurrence would be read as a new anchor).
 */
export function changedFields<T extends Record<string, unknown>>(body: T, initial: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(body).filter(([key, value]) => JSON.stringify(value) !== JSON.stringify(initial[key])),
  ) as Partial<T>;
}
