"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { useAnnounce } from "@/lib/announcer";
import { useLiveEvents } from "@/lib/live-events";
import { useSession } from "@/lib/session";
import { activityKeys } from "../activity/activity-keys";
import { notificationKeys } from "../notifications/notification-keys";
import { addLiveNotification } from "../notifications/use-notifications";
import { recurringKeys } from "../recurring/recurring-keys";
import { tagKeys } from "../tags/tag-keys";
import { taskKeys } from "../tasks/task-keys";

/** Task ids this tab changed itself in the last 10 s: their events are not announced again. */
const ownChanges = new Map<number, number>();
export function noteOwnChange(id: number): void {
  ownChanges.set(id, Date.now());
}
function isOwnChange(id: number): boolean {
  const at = ownChanges.get(id);
  return at !== undefined && Date.now() - at < 10_000;
}

const VERBS = {
  "task.created": "New task",
  "task.updated": "Task updated",
  "task.completed": "Task completed",
  "task.deleted": "Task deleted",
} as const;

/** The audit row lands a moment after the task event: activity refetches at once, then once more after this. */
export const ACTIVITY_SETTLE_MS = 1_000;

/** What a task event makes stale: the tasks, the tags' counts, the activity, the templates' counts. */
const TASK_SCOPE = [taskKeys.all, tagKeys.all, activityKeys.all, recurringKeys.all] as const;

/**
 * The live stream keeps every page's cache true, on every signed-in page: a task event invalidates
 * what it can change (TASK_SCOPE; queries on screen refetch, the rest when next shown), a reopened
 * task withdraws its "Completed" notification, `notification.created` goes into the bell, and
 * `resync` (events may have been missed) invalidates everything. Events come in bursts (a
 * scheduler tick, another tab's edits): one refetch per burst.
 */
export function useLiveSync(): void {
  const client = useQueryClient();
  const { api } = useSession();
  const announce = useAnnounce();
  const pending = useRef<{ timer?: ReturnType<typeof setTimeout>; settle?: ReturnType<typeof setTimeout> }>(
    {},
  );
  const scope = useRef<"none" | "tasks" | "all">("none");
  useEffect(
    () => () => {
      clearTimeout(pending.current.timer);
      clearTimeout(pending.current.settle);
    },
    [],
  );

  const schedule = (wanted: "tasks" | "all") => {
    if (scope.current !== "all") scope.current = wanted;
    const timers = pending.current;
    clearTimeout(timers.timer);
    timers.timer = setTimeout(() => {
      const all = scope.current === "all";
      scope.current = "none";
      if (all) {
        void client.invalidateQueries();
        return;
      }
      for (const queryKey of TASK_SCOPE) void client.invalidateQueries({ queryKey });
      clearTimeout(timers.settle);
      timers.settle = setTimeout(
        () => void client.invalidateQueries({ queryKey: activityKeys.all }),
        ACTIVITY_SETTLE_MS,
      );
    }, 150);
  };

  useLiveEvents((event) => {
    if (event.type === "resync") {
      schedule("all");
      return;
    }
    if (event.type === "notification.created") {
      // A list that cannot be fetched is the bell's own error state, shown there.
      void addLiveNotification(client, api, event.notification).catch(() => {});
      announce(`New notification: ${event.notification.title}`);
      return;
    }
    if (event.type === "task.due.approaching") {
      announce(`“${event.task.title}” is due soon`);
      return;
    }
    schedule("tasks");
    if (event.type === "task.updated" && !event.task.completed) {
      void client.invalidateQueries({ queryKey: notificationKeys.all });
    }
    if (!isOwnChange(event.task.id)) announce(`${VERBS[event.type]}: “${event.task.title}”`);
  });
}

/** Mounted once under the signed-in layout. */
export function LiveSync(): null {
  useLiveSync();
  return null;
}
