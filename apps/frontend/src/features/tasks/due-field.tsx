"use client";

import { Field } from "@/components/field";

/** What the due field holds: a wall-clock value in the user's zone, or a date for an all-day task. */
export interface DueValue {
  /** "2027-01-15T09:00" (datetime-local), or "2027-01-15" when `allDay`; "" for no due date. */
  value: string;
  allDay: boolean;
}

interface DueFieldProps {
  id: string;
  due: DueValue;
  onChange: (due: DueValue) => void;
  timeZone: string;
  error?: string | undefined;
}

/** Due date and time in the user's zone, or a whole day ("All day": no time asked). */
export function DueField({ id, due, onChange, timeZone, error }: DueFieldProps) {
  const toggleAllDay = (allDay: boolean) =>
    onChange({
      allDay,
      value: allDay ? due.value.slice(0, 10) : due.value ? `${due.value.slice(0, 10)}T09:00` : "",
    });
  return (
    <Field
      id={`${id}-due`}
      name="due_date"
      label="Due"
      error={error}
      hint={
        due.allDay
          ? `Any time that day in ${timeZone}. Leave empty for no due date.`
          : `Date and time in ${timeZone}. Leave empty for no due date.`
      }
    >
      {(p) => (
        <div className="row">
          <input
            {...p}
            type={due.allDay ? "date" : "datetime-local"}
            value={due.value}
            onChange={(e) => onChange({ ...due, value: e.target.value })}
          />
          <label className="checkbox">
            <input type="checkbox" checked={due.allDay} onChange={(e) => toggleAllDay(e.target.checked)} />
            All day
          </label>
          {due.value ? (
            <button
              type="button"
              className="button button-quiet"
              onClick={() => onChange({ ...due, value: "" })}
            >
              Clear
            </button>
          ) : null}
        </div>
      )}
    </Field>
  );
}
