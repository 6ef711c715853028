"use client";

import type { CreateRecurringTaskBody, Priority, RecurrencePattern, RecurringTask } from "@todo/contracts";
import { type FormEvent, useId, useMemo, useState } from "react";
import { loadContracts } from "@/lib/contracts";
import { apiErrors, type FieldErrors, zodErrors } from "@/lib/form-errors";
import { useSession } from "@/lib/session";
import { fromZonedInput, listTimeZones, toZonedInput } from "@/lib/time-zone";
import { Field, FieldError, FormError } from "./field";

const FIELDS = [
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
const REMINDERS: { value: string; label: string; offsets: number[] | null }[] = [
  { value: "", label: "The default (1 day before)", offsets: null },
  { value: "0", label: "At the due time", offsets: [0] },
  { value: "15", label: "15 minutes before", offsets: [15] },
  { value: "60", label: "1 hour before", offsets: [60] },
  { value: "1440", label: "1 day before", offsets: [1440] },
  { value: "none", label: "No reminder", offsets: [] },
];

function reminderChoice(offsets: number[] | null | undefined): string {
  if (!offsets) return "";
  if (offsets.length === 0) return "none";
  return REMINDERS.find((r) => r.offsets?.length === 1 && r.offsets[0] === offsets[0])?.value ?? "";
}

/**
 * The fields of `body` that differ from what the form showed when it opened: an edit sends only
 * what the user changed, so an untouched field can never move the series (a re-sent next
 * occurrence would be read as a new anchor).
 */
function changedFields<T extends Record<string, unknown>>(body: T, initial: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(body).filter(([key, value]) => JSON.stringify(value) !== JSON.stringify(initial[key])),
  ) as Partial<T>;
}

export const WEEKDAYS = [
  { iso: 1, short: "Mon", long: "Monday" },
  { iso: 2, short: "Tue", long: "Tuesday" },
  { iso: 3, short: "Wed", long: "Wednesday" },
  { iso: 4, short: "Thu", long: "Thursday" },
  { iso: 5, short: "Fri", long: "Friday" },
  { iso: 6, short: "Sat", long: "Saturday" },
  { iso: 7, short: "Sun", long: "Sunday" },
];

const UNITS: Record<RecurrencePattern, string> = {
  daily: "days",
  weekly: "weeks",
  monthly: "months",
  yearly: "years",
  custom: "",
};

type EndMode = "never" | "date" | "count";

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

interface RecurringFormProps {
  template?: RecurringTask | undefined;
  priorities: Priority[];
  onSaved: (template: RecurringTask) => void;
  onCancel: () => void;
}

export function RecurringForm({ template, priorities, onSaved, onCancel }: RecurringFormProps) {
  // A new series starts in the user's zone; an existing one keeps its own.
  const { api, timeZone: userZone } = useSession();
  const uid = useId();
  const zones = useMemo(() => listTimeZones(userZone), [userZone]);
  const [title, setTitle] = useState(template?.template_title ?? "");
  const [description, setDescription] = useState(template?.template_description ?? "");
  const [pattern, setPattern] = useState<RecurrencePattern>(template?.recurrence_pattern ?? "daily");
  const [interval, setIntervalValue] = useState(String(template?.interval ?? 1));
  const [cron, setCron] = useState(template?.cron_expression ?? "");
  const [timeZone, setTimeZone] = useState(template?.timezone ?? userZone);
  const [first, setFirst] = useState(() =>
    template ? toZonedInput(template.next_occurrence, template.timezone) : tomorrowAtNine(userZone),
  );
  const [weekdays, setWeekdays] = useState<number[]>(
    () => template?.weekdays ?? [isoWeekday(first || tomorrowAtNine(userZone))],
  );
  const [endMode, setEndMode] = useState<EndMode>(
    template?.ends_at ? "date" : template?.max_occurrences ? "count" : "never",
  );
  const [endsAt, setEndsAt] = useState(
    template?.ends_at ? toZonedInput(template.ends_at, template.timezone) : "",
  );
  const [maxOccurrences, setMaxOccurrences] = useState(String(template?.max_occurrences ?? 10));
  const [catchUp, setCatchUp] = useState(template?.catch_up ?? "latest");
  const defaultPriority = priorities.find((p) => p.name === "Medium") ?? priorities[0];
  const [priorityId, setPriorityId] = useState(String(template?.priority_id ?? defaultPriority?.id ?? ""));
  const [active, setActive] = useState(template?.is_active ?? true);
  const [repeatFrom, setRepeatFrom] = useState(template?.repeat_from ?? "schedule");
  const [leadTime, setLeadTime] = useState(String(template?.lead_time_minutes ?? 0));
  const [reminder, setReminder] = useState(reminderChoice(template?.reminder_offsets_minutes));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [saving, setSaving] = useState(false);

  const toggleWeekday = (iso: number) =>
    setWeekdays((days) => (days.includes(iso) ? days.filter((d) => d !== iso) : [...days, iso].sort()));

  const values = {
    title,
    description,
    pattern,
    cron,
    interval,
    weekdays,
    timeZone,
    first,
    endMode,
    endsAt,
    maxOccurrences,
    catchUp,
    priorityId,
    active,
    repeatFrom,
    leadTime,
    reminder,
  };
  // What the form showed when it opened, to send only what changed.
  const [initial] = useState(values);

  function bodyOf(v: typeof values) {
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

  async function submit(event: FormEvent) {
    event.preventDefault();
    const local: FieldErrors = {};
    const nextOccurrence = first ? fromZonedInput(first, timeZone) : null;
    if (first && !nextOccurrence) local.next_occurrence = "enter a date and a time";
    if (!first && pattern !== "custom") local.next_occurrence = "choose when the first task is due";
    const endsAtIso = endMode === "date" ? fromZonedInput(endsAt, timeZone) : null;
    if (endMode === "date" && !endsAtIso) local.ends_at = "enter the date and time it ends";
    if (Object.keys(local).length > 0) {
      setErrors(local);
      return;
    }
    const full = bodyOf(values);
    const body = template ? changedFields(full, bodyOf(initial)) : full;
    const { CreateRecurringTaskBody, UpdateRecurringTaskBody } = await loadContracts();
    const parsed = template
      ? UpdateRecurringTaskBody.safeParse(body)
      : CreateRecurringTaskBody.safeParse(body);
    if (!parsed.success) {
      setErrors(zodErrors(parsed.error, FIELDS));
      return;
    }
    setSaving(true);
    setErrors({});
    try {
      const saved = template
        ? await api.recurring.update(template.id, parsed.data)
        : await api.recurring.create(parsed.data as CreateRecurringTaskBody);
      onSaved(saved);
    } catch (error) {
      setErrors(apiErrors(error, FIELDS));
    } finally {
      setSaving(false);
    }
  }

  const id = (name: string) => `${uid}-${name}`;
  return (
    <form
      className="form"
      onSubmit={submit}
      noValidate
      aria-label={template ? "Edit recurring task" : "New recurring task"}
    >
      <FormError message={errors[""]} />
      <Field id={id("title")} name="template_title" label="Title" error={errors.template_title}>
        {(p) => (
          <input
            {...p}
            type="text"
            maxLength={200}
            value={title}
            onChange={(e) => setTitle(e.target.value)}
          />
        )}
      </Field>
      <Field
        id={id("description")}
        name="template_description"
        label="Description"
        error={errors.template_description}
      >
        {(p) => (
          <textarea {...p} rows={2} value={description} onChange={(e) => setDescription(e.target.value)} />
        )}
      </Field>
      <div className="grid-2">
        <Field id={id("pattern")} name="recurrence_pattern" label="Repeats" error={errors.recurrence_pattern}>
          {(p) => (
            <select {...p} value={pattern} onChange={(e) => setPattern(e.target.value as RecurrencePattern)}>
              <option value="daily">Daily</option>
              <option value="weekly">Weekly</option>
              <option value="monthly">Monthly</option>
              <option value="yearly">Yearly</option>
              <option value="custom">Custom (cron)</option>
            </select>
          )}
        </Field>
        {pattern === "custom" ? (
          <Field
            id={id("cron")}
            name="cron_expression"
            label="Cron expression"
            error={errors.cron_expression}
            hint="Five fields: minute hour day-of-month month day-of-week, e.g. 0 9 * * 1-5"
          >
            {(p) => (
              <input
                {...p}
                type="text"
                className="mono"
                spellCheck={false}
                value={cron}
                onChange={(e) => setCron(e.target.value)}
              />
            )}
          </Field>
        ) : (
          <Field
            id={id("interval")}
            name="interval"
            label={`Every how many ${UNITS[pattern]}`}
            error={errors.interval}
          >
            {(p) => (
              <input
                {...p}
                type="number"
                min={1}
                max={1000}
                inputMode="numeric"
                value={interval}
                onChange={(e) => setIntervalValue(e.target.value)}
              />
            )}
          </Field>
        )}
      </div>

      {pattern === "weekly" ? (
        <fieldset className="fieldset">
          <legend>On</legend>
          <div className="checkbox-row">
            {WEEKDAYS.map((day) => (
              <label key={day.iso} className="checkbox">
                <input
                  type="checkbox"
                  checked={weekdays.includes(day.iso)}
                  onChange={() => toggleWeekday(day.iso)}
                />
                <abbr title={day.long}>{day.short}</abbr>
              </label>
            ))}
          </div>
          <FieldError message={errors.weekdays} />
        </fieldset>
      ) : null}

      <div className="grid-2">
        <Field id={id("timezone")} name="timezone" label="Time zone" error={errors.timezone}>
          {(p) => (
            <select {...p} value={timeZone} onChange={(e) => setTimeZone(e.target.value)}>
              {zones.map((zone) => (
                <option key={zone} value={zone}>
                  {zone}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field
          id={id("first")}
          name="next_occurrence"
          label={template ? "Next occurrence" : "First occurrence"}
          error={errors.next_occurrence}
          hint={
            pattern === "custom"
              ? `In ${timeZone}. Empty: the first match of the cron rule.`
              : `In ${timeZone}.`
          }
        >
          {(p) => (
            <input {...p} type="datetime-local" value={first} onChange={(e) => setFirst(e.target.value)} />
          )}
        </Field>
      </div>

      <fieldset className="fieldset">
        <legend>Ends</legend>
        <div className="radio-stack">
          <label className="checkbox">
            <input
              type="radio"
              name={id("end")}
              checked={endMode === "never"}
              onChange={() => setEndMode("never")}
            />
            Never
          </label>
          <label className="checkbox">
            <input
              type="radio"
              name={id("end")}
              checked={endMode === "date"}
              onChange={() => setEndMode("date")}
            />
            On a date
          </label>
          {endMode === "date" ? (
            <Field id={id("ends-at")} name="ends_at" label="Last possible occurrence" error={errors.ends_at}>
              {(p) => (
                <input
                  {...p}
                  type="datetime-local"
                  value={endsAt}
                  onChange={(e) => setEndsAt(e.target.value)}
                />
              )}
            </Field>
          ) : null}
          <label className="checkbox">
            <input
              type="radio"
              name={id("end")}
              checked={endMode === "count"}
              onChange={() => setEndMode("count")}
            />
            After a number of tasks
          </label>
          {endMode === "count" ? (
            <Field
              id={id("max")}
              name="max_occurrences"
              label="Number of tasks"
              error={errors.max_occurrences}
            >
              {(p) => (
                <input
                  {...p}
                  type="number"
                  min={1}
                  inputMode="numeric"
                  value={maxOccurrences}
                  onChange={(e) => setMaxOccurrences(e.target.value)}
                />
              )}
            </Field>
          ) : null}
        </div>
      </fieldset>

      <div className="grid-2">
        <Field
          id={id("catch-up")}
          name="catch_up"
          label="After downtime"
          error={errors.catch_up}
          hint="What to create for occurrences missed while the service was down."
        >
          {(p) => (
            <select {...p} value={catchUp} onChange={(e) => setCatchUp(e.target.value as "latest" | "all")}>
              <option value="latest">Only the latest missed task</option>
              <option value="all">Every missed task</option>
            </select>
          )}
        </Field>
        <Field
          id={id("priority")}
          name="priority_id"
          label="Priority of each task"
          error={errors.priority_id}
        >
          {(p) => (
            <select {...p} value={priorityId} onChange={(e) => setPriorityId(e.target.value)}>
              {priorities.map((priority) => (
                <option key={priority.id} value={priority.id}>
                  {priority.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <div className="grid-2">
        <Field
          id={id("repeat-from")}
          name="repeat_from"
          label="Repeat from"
          error={errors.repeat_from}
          hint="From completion: the next task is due one interval after you complete this one."
        >
          {(p) => (
            <select
              {...p}
              value={repeatFrom}
              onChange={(e) => setRepeatFrom(e.target.value as "schedule" | "completion")}
            >
              <option value="schedule">The schedule</option>
              <option value="completion">Completion</option>
            </select>
          )}
        </Field>
        <Field
          id={id("lead-time")}
          name="lead_time_minutes"
          label="Create each task"
          error={errors.lead_time_minutes}
        >
          {(p) => (
            <select {...p} value={leadTime} onChange={(e) => setLeadTime(e.target.value)}>
              <option value="0">When it is due</option>
              <option value="60">1 hour ahead</option>
              <option value="1440">1 day ahead</option>
              <option value="10080">1 week ahead</option>
            </select>
          )}
        </Field>
      </div>
      <Field
        id={id("reminder")}
        name="reminder_offsets_minutes"
        label="Remind me"
        error={errors.reminder_offsets_minutes}
      >
        {(p) => (
          <select {...p} value={reminder} onChange={(e) => setReminder(e.target.value)}>
            {REMINDERS.map((r) => (
              <option key={r.value} value={r.value}>
                {r.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <label className="checkbox">
        <input type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} />
        Active (creates tasks on schedule)
      </label>

      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={saving}>
          {saving ? "Saving…" : template ? "Save changes" : "Create recurring task"}
        </button>
        <button type="button" className="button button-quiet" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
