"use client";

import { useSearchParams } from "next/navigation";
import { useEffect, useState } from "react";
import type { ActivityNames } from "@/lib/activity";
import { useSession } from "@/lib/session";
import { useTags } from "../tags/use-tags";
import { usePriorities } from "../tasks/use-tasks";
import {
  ActivityFilters,
  type ActivityFilterValues,
  activityQuery,
  isFiltered,
  NO_FILTERS,
} from "./activity-filters";
import { activityKeys } from "./activity-keys";
import { ActivityFeed } from "./activity-list";
import { useActivityPages } from "./use-activity-pages";

/** Everything that happened to the user's tasks, newest first, with filters, paging and live updates. */
export function ActivityView() {
  const { api, timeZone } = useSession();
  const params = useSearchParams();
  const [filters, setFilters] = useState<ActivityFilterValues>(() => ({
    ...NO_FILTERS,
    taskId: params.get("task_id") ?? "",
  }));
  // Names for ids in the entries; without them the lines still read, with "#3" for a name.
  const priorities = usePriorities().data ?? [];
  const tags = useTags().data ?? [];
  // Tasks named by the entries seen so far, deleted ones included: the task filter's choices.
  const [seenTasks, setSeenTasks] = useState(new Map<number, string>());

  const query = activityQuery(filters, timeZone);
  const pages = useActivityPages(activityKeys.list(query), (cursor, limit, signal) =>
    api.activity.list({ ...query, cursor, limit }, signal),
  );
  const { items } = pages;

  useEffect(() => {
    setSeenTasks((known) => {
      const next = new Map(known);
      for (const entry of items) {
        if (entry.task_id !== null && !next.has(entry.task_id)) {
          next.set(entry.task_id, entry.task_title ?? `Task #${entry.task_id}`);
        }
      }
      return next.size === known.size ? known : next;
    });
  }, [items]);

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
      <ActivityFilters
        filters={filters}
        onChange={setFilters}
        taskChoices={taskChoices}
        timeZone={timeZone}
      />
      <ActivityFeed
        pages={pages}
        what="the activity"
        empty={
          isFiltered(filters)
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
