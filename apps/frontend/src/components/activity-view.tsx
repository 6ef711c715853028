"use client";

import type { Priority, Tag } from "@todo/contracts";
import { useSearchParams } from "next/navigation";
import { useEffect, useState } from "react";
import { ACTIVITY_EVENT_TYPES, type ActivityNames } from "@/lib/activity";
import { useActivityPages } from "@/lib/activity-pages";
import { type ActivityQuery, publicApi } from "@/lib/api-client";
import { useSession } from "@/lib/session";
import { fromZonedInput } from "@/lib/time-zone";
import { ActivityFeed, useActivityRefresh } from "./activity-list";

interface Filters {
  taskId: string;
  eventTypes: string[];
  /** yyyy-mm-dd, a day in the user's zone; empty for no bound. */
  from: string;
  to: string;
}

const NO_FILTERS: Filters = { taskId: "", eventTypes: [], from: "", to: "" };

/** The next calendar day of a yyyy-mm-dd value. */
function nextDay(date: string): string {
  const next = new Date(`${date}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return next.toISOString().slice(0, 10);
}

/** The filters as API query parameters: whole days in the user's zone, `to` through the end of its day. */
function activityQuery(filters: Filters, timeZone: string): ActivityQuery {
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

/** Everything that happened to the user's tasks, newest first, with filters, paging and live updates. */
export function ActivityView() {
  const { api, timeZone } = useSession();
  const params = useSearchParams();
  const [filters, setFilters] = useState<Filters>(() => ({
    ...NO_FILTERS,
    taskId: params.get("task_id") ?? "",
  }));
  const [priorities, setPriorities] = useState<Priority[]>([]);
  const [tags, setTags] = useState<Tag[]>([]);
  // Tasks named by the entries seen so far, deleted ones included: the task filter's choices.
  const [seenTasks, setSeenTasks] = useState(new Map<number, string>());

  useEffect(() => {
    // Names for ids in the entries; without them the lines still read, with "#3" for a name.
    Promise.all([publicApi.priorities(), api.tags.list()])
      .then(([p, t]) => {
        setPriorities(p);
        setTags(t);
      })
      .catch(() => {});
  }, [api]);

  const query = activityQuery(filters, timeZone);
  const key = JSON.stringify(query);
  const load = (cursor: string | undefined, limit: number, signal: AbortSignal) =>
    api.activity.list({ ...query, cursor, limit }, signal);
  const pages = useActivityPages(load, `${api.userId}/${key}`);
  const { state } = pages;
  useActivityRefresh(pages.refresh);

  useEffect(() => {
    if (state.status !== "ready") return;
    setSeenTasks((known) => {
      const next = new Map(known);
      for (const entry of state.items) {
        if (entry.task_id !== null && !next.has(entry.task_id)) {
          next.set(entry.task_id, entry.task_title ?? `Task #${entry.task_id}`);
        }
      }
      return next.size === known.size ? known : next;
    });
  }, [state]);

  const update = (patch: Partial<Filters>) => setFilters((f) => ({ ...f, ...patch }));
  const toggleType = (type: string) =>
    update({
      eventTypes: filters.eventTypes.includes(type)
        ? filters.eventTypes.filter((t) => t !== type)
        : [...filters.eventTypes, type],
    });
  const filtered =
    filters.taskId !== "" || filters.eventTypes.length > 0 || filters.from !== "" || filters.to !== "";
  const names: ActivityNames = { timeZone, priorities, tags };
  const taskChoices = [...seenTasks].sort((a, b) => a[1].localeCompare(b[1]));
  if (filters.taskId && !seenTasks.has(Number(filters.taskId))) {
    taskChoices.unshift([Number(filters.taskId), `Task #${filters.taskId}`]);
  }

  return (
    <section aria-labelledby="activity-heading" className="stack">
      <div className="page-header">
        <h1 id="activity-heading">Activity</h1>
      </div>

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
        {filtered ? (
          <button
            type="button"
            className="button button-quiet filters-reset"
            onClick={() => setFilters(NO_FILTERS)}
          >
            Clear filters
          </button>
        ) : null}
      </search>

      <ActivityFeed
        pages={pages}
        what="the activity"
        empty={
          filtered
            ? "Nothing matches these filters."
            : "No activity yet. Changes to your tasks will show here."
        }
        emptyClassName="empty"
        names={names}
        showTask
        label="Activity, newest first"
      />
    </section>
  );
}
