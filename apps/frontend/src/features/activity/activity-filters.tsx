"use client";

import { ACTIVITY_EVENT_TYPES } from "@/lib/activity";
import type { ActivityQuery } from "@/lib/api-client";
import { fromZonedInput } from "@/lib/time-zone";

export interface ActivityFilterValues {
  taskId: string;
  eventTypes: string[];
  /** yyyy-mm-dd, a day in the user's zone; empty for no bound. */
  from: string;
  to: string;
}

export const NO_FILTERS: ActivityFilterValues = { taskId: "", eventTypes: [], from: "", to: "" };

export const isFiltered = (f: ActivityFilterValues) =>
  f.taskId !== "" || f.eventTypes.length > 0 || f.from !== "" || f.to !== "";

/** The next calendar day of a yyyy-mm-dd value. */
function nextDay(date: string): string {
  const next = new Date(`${date}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return next.toISOString().slice(0, 10);
}

/** The filters as API query parameters: whole days in the user's zone, `to` through the end of its day. */
export function activityQuery(filters: ActivityFilterValues, timeZone: string): ActivityQuery {
  return {
    task_id: filters.taskId ? Number(filters.taskId) : undefined,
    event_type: filters.eventTypes.length > 0 ? filters.eventTypes : undefined,
    from: filters.from ? (fromZonedInput(`${filters.from}T00:00`, timeZone) ?? undefined) : undefined,
    to: filters.to ? (fromZonedInput(`${nextDay(filters.to)}T00:00`, timeZone) ?? undefined) : undefined,
  };
}

interface DayFieldProps {
  id: string;
  label: string;
  value: string;
  min?: string;
  max?: string;
  onChange: (value: string) => void;
}

function DayField({ id, label, value, min, max, onChange }: DayFieldProps) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="date"
        value={value}
        min={min || undefined}
        max={max || undefined}
        onChange={(e) => onChange(e.target.value)}
      />
    </div>
  );
}

interface ActivityFiltersProps {
  filters: ActivityFilterValues;
  onChange: (filters: ActivityFilterValues) => void;
  /** [id, title] of the tasks the filter offers. */
  taskChoices: [number, string][];
  timeZone: string;
}

/** The Activity page's filters: one task, event types, a range of days in the user's zone. */
export function ActivityFilters({ filters, onChange, taskChoices, timeZone }: ActivityFiltersProps) {
  const update = (patch: Partial<ActivityFilterValues>) => onChange({ ...filters, ...patch });
  const toggleType = (type: string) =>
    update({
      eventTypes: filters.eventTypes.includes(type)
        ? filters.eventTypes.filter((t) => t !== type)
        : [...filters.eventTypes, type],
    });
  return (
    <search className="filters activity-filters" aria-label="Filter activity">
      <div className="field">
        <label htmlFor="activity-task">Task</label>
        <select
          id="activity-task"
          value={filters.taskId}
          onChange={(e) => update({ taskId: e.target.value })}
        >
          <option value="">All tasks</option>
          {taskChoices.map(([id, title]) => (
            <option key={id} value={id}>
              {title}
            </option>
          ))}
        </select>
      </div>
      <fieldset className="fieldset activity-types">
        <legend>Events</legend>
        <div className="checkbox-row">
          {ACTIVITY_EVENT_TYPES.map(({ type, label }) => (
            <label key={type} className="checkbox">
              <input
                type="checkbox"
                name="event_type"
                value={type}
                checked={filters.eventTypes.includes(type)}
                onChange={() => toggleType(type)}
              />
              {label}
            </label>
          ))}
        </div>
      </fieldset>
      <DayField
        id="activity-from"
        label="From"
        value={filters.from}
        max={filters.to}
        onChange={(from) => update({ from })}
      />
      <DayField
        id="activity-to"
        label="To"
        value={filters.to}
        min={filters.from}
        onChange={(to) => update({ to })}
      />
      <p className="hint">Days in {timeZone}.</p>
      {isFiltered(filters) ? (
        <button
          type="button"
          className="button button-quiet filters-reset"
          onClick={() => onChange(NO_FILTERS)}
        >
          Clear filters
        </button>
      ) : null}
    </search>
  );
}
