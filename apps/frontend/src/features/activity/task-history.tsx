"use client";

import type { ActivityNames } from "@/lib/activity";
import { useSession } from "@/lib/session";
import { activityKeys } from "./activity-keys";
import { ActivityFeed } from "./activity-list";
import { useActivityPages } from "./use-activity-pages";

interface TaskHistoryProps {
  taskId: number;
  priorities: ActivityNames["priorities"];
  tags: ActivityNames["tags"];
}

/** The task editor's history: what happened to the task, oldest first, live. */
export function TaskHistory({ taskId, priorities, tags }: TaskHistoryProps) {
  const { api, timeZone } = useSession();
  const load = (cursor: string | undefined, limit: number, signal: AbortSignal) =>
    api.activity.forTask(taskId, { cursor, limit }, signal);
  const pages = useActivityPages(activityKeys.task(taskId), load);
  const names: ActivityNames = { timeZone, priorities, tags };
  const headingId = `task-history-${taskId}`;

  return (
    <section className="task-history" aria-labelledby={headingId}>
      <h3 id={headingId}>History</h3>
      <ActivityFeed
        pages={pages}
        what="the history"
        empty="No history recorded yet."
        names={names}
        label="Task history, oldest first"
      />
    </section>
  );
}
