"use client";

import type { RecurrencePattern } from "@todo/contracts";
import { useMemo } from "react";
import { Field, FieldError } from "@/components/field";
import type { FieldErrors } from "@/lib/form-errors";
import { listTimeZones } from "@/lib/time-zone";
import { type TemplateValues, UNITS, WEEKDAYS } from "./recurring-form-model";

/** What each section of the template form is given: the values, a setter for some of them, errors, ids. */
export interface SectionProps {
  v: TemplateValues;
  set: (patch: Partial<TemplateValues>) => void;
  errors: FieldErrors;
  id: (name: string) => string;
  /** Whether an existing template is edited (labels say "Next" rather than "First"). */
  editing: boolean;
}

/** How it repeats: pattern and interval (or cron), weekdays, the series' zone and first occurrence. */
export function ScheduleFields({ v, set, errors, id, editing }: SectionProps) {
  const zones = useMemo(() => listTimeZones(v.timeZone), [v.timeZone]);
  const toggleWeekday = (iso: number) =>
    set({
      weekdays: v.weekdays.includes(iso) ? v.weekdays.filter((d) => d !== iso) : [...v.weekdays, iso].sort(),
    });
  return (
    <>
      <div className="grid-2">
        <Field id={id("pattern")} name="recurrence_pattern" label="Repeats" error={errors.recurrence_pattern}>
          {(p) => (
            <select
              {...p}
              value={v.pattern}
              onChange={(e) => set({ pattern: e.target.value as RecurrencePattern })}
            >
              <option value="daily">Daily</option>
              <option value="weekly">Weekly</option>
              <option value="monthly">Monthly</option>
              <option value="yearly">Yearly</option>
              <option value="custom">Custom (cron)</option>
            </select>
          )}
        </Field>
        {v.pattern === "custom" ? (
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
                value={v.cron}
                onChange={(e) => set({ cron: e.target.value })}
              />
            )}
          </Field>
        ) : (
          <Field
            id={id("interval")}
            name="interval"
            label={`Every how many ${UNITS[v.pattern]}`}
            error={errors.interval}
          >
            {(p) => (
              <input
                {...p}
                type="number"
                min={1}
                max={1000}
                inputMode="numeric"
                value={v.interval}
                onChange={(e) => set({ interval: e.target.value })}
              />
            )}
          </Field>
        )}
      </div>

      {v.pattern === "weekly" ? (
        <fieldset className="fieldset">
          <legend>On</legend>
          <div className="checkbox-row">
            {WEEKDAYS.map((day) => (
              <label key={day.iso} className="checkbox">
                <input
                  type="checkbox"
                  checked={v.weekdays.includes(day.iso)}
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
            <select {...p} value={v.timeZone} onChange={(e) => set({ timeZone: e.target.value })}>
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
          label={editing ? "Next occurrence" : "First occurrence"}
          error={errors.next_occurrence}
          hint={
            v.pattern === "custom"
              ? `In ${v.timeZone}. Empty: the first match of the cron rule.`
              : `In ${v.timeZone}.`
          }
        >
          {(p) => (
            <input
              {...p}
              type="datetime-local"
              value={v.first}
              onChange={(e) => set({ first: e.target.value })}
            />
          )}
        </Field>
      </div>
    </>
  );
}

/** When the series ends: never, on a date, or after a number of tasks. */
export function EndFields({ v, set, errors, id }: SectionProps) {
  return (
    <fieldset className="fieldset">
      <legend>Ends</legend>
      <div className="radio-stack">
        <label className="checkbox">
          <input
            type="radio"
            name={id("end")}
            checked={v.endMode === "never"}
            onChange={() => set({ endMode: "never" })}
          />
          Never
        </label>
        <label className="checkbox">
          <input
            type="radio"
            name={id("end")}
            checked={v.endMode === "date"}
            onChange={() => set({ endMode: "date" })}
          />
          On a date
        </label>
        {v.endMode === "date" ? (
          <Field id={id("ends-at")} name="ends_at" label="Last possible occurrence" error={errors.ends_at}>
            {(p) => (
              <input
                {...p}
                type="datetime-local"
                value={v.endsAt}
                onChange={(e) => set({ endsAt: e.target.value })}
              />
            )}
          </Field>
        ) : null}
        <label className="checkbox">
          <input
            type="radio"
            name={id("end")}
            checked={v.endMode === "count"}
            onChange={() => set({ endMode: "count" })}
          />
          After a number of tasks
        </label>
        {v.endMode === "count" ? (
          <Field id={id("max")} name="max_occurrences" label="Number of tasks" error={errors.max_occurrences}>
            {(p) => (
              <input
                {...p}
                type="number"
                min={1}
                inputMode="numeric"
                value={v.maxOccurrences}
                onChange={(e) => set({ maxOccurrences: e.target.value })}
              />
            )}
          </Field>
        ) : null}
      </div>
    </fieldset>
  );
}
