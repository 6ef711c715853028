"use client";

import type { CreateRecurringTaskBody, Priority, RecurrencePattern, RecurringTask } from "@todo/contracts";
import { type FormEvent, useId, useMemo, useState } from "react";
import { loadContracts } from "@/lib/contracts";
import { apiErrors, type FieldErrors, zodErrors } from "@/lib/form-errors";
import { useSession } from "@/lib/session";
import { browserTimeZone, fromZonedInput, listTimeZones, toZonedInput } from "@/lib/time-zone";
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
] as const;

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
  const { api } = useSession();
  const uid = useId();
  const zones = useMemo(listTimeZones, []);
  const [title, setTitle] = useState(template?.template_title ?? "");
  const [description, setDescription] = useState(template?.template_description ?? "");
  const [pattern, setPattern] = useState<RecurrencePattern>(template?.recurrence_pattern ?? "daily");
  const [interval, setIntervalValue] = useState(String(template?.interval ?? 1));
  const [cron, setCron] = useState(template?.cron_expression ?? "");
  const [timeZone, setTimeZone] = useState(template?.timezone ?? browserTimeZone());
  const [first, setFirst] = useState(() =>
    template ? toZonedInput(template.next_occurrence, template.timezone) : tomorrowAtNine(browserTimeZone()),
  );
  const [weekdays, setWeekdays] = useState<number[]>(
    () => template?.weekdays ?? [isoWeekday(first || tomorrowAtNine(browserTimeZone()))],
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
  const [errors, setErrors] = useState<FieldErrors>({});
  const [saving, setSaving] = useState(false);

  const toggleWeekday = (iso: number) =>
    setWeekdays((days) => (days.includes(iso) ? days.filter((d) => d !== iso) : [...days, iso].sort()));

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
    const body = {
      template_title: title,
      template_description: description.trim() ? description : null,
      recurrence_pattern: pattern,
      cron_expression: pattern === "custom" ? cron : null,
      ...(pattern === "custom" ? {} : { interval: Number(interval) }),
      weekdays: pattern === "weekly" ? weekdays : null,
      timezone: timeZone,
      ...(nextOccurrence ? { next_occurrence: nextOccurrence } : {}),
      ends_at: endsAtIso,
      max_occurrences: endMode === "count" ? Number(maxOccurrences) : null,
      catch_up: catchUp,
      ...(priorityId ? { priority_id: Number(priorityId) } : {}),
      is_active: active,
    };
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
