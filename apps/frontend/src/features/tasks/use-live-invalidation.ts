"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { useAnnounce } from "@/lib/announcer";
import { useLiveEvents } from "@/lib/live-events";
import { tagKeys, taskKeys } from "./task-keys";

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

/**
 * The live stream keeps the cache true: a task event invalidates every task query (lists and
 * counts; the ones on screen refetch), `resync` invalidates everything (events may have been
 * missed). Events come in bursts (a scheduler tick, another tab's edits): one refetch per burst.
 */
export function useLiveInvalidation(): void {
  const client = useQueryClient();
  const announce = useAnnounce();
  const pending = useRef<{ timer?: ReturnType<typeof setTimeout>; all: boolean; tags: boolean }>({
    all: false,
    tags: false,
  });
  useEffect(() => () => clearTimeout(pending.current.timer), []);

  const schedule = (scope: { all?: boolean; tags?: boolean }) => {
    const state = pending.current;
    state.all ||= scope.all ?? false;
    state.tags ||= scope.tags ?? false;
    clearTimeout(state.timer);
    state.timer = setTimeout(() => {
      const { all, tags } = state;
      state.all = false;
      state.tags = false;
      if (all) {
        void client.invalidateQueries();
        return;
      }
      void client.invalidateQueries({ queryKey: taskKeys.all });
      // Tag counts change only when tasks come or go; a new tag may come from another tab.
      if (tags) void client.invalidateQueries({ queryKey: tagKeys.all });
    }, 150);
  };

  useLiveEvents((event) => {
    if (event.type === "notification.created") return;
    if (event.type === "resync") {
      schedule({ all: true });
      return;
    }
    if (event.type === "task.due.approaching") {
      announce(`“${event.task.title}” is due soon`);
      return;
    }
    schedule({ tags: event.type === "task.created" || event.type === "task.deleted" });
    if (!isOwnChange(event.task.id)) announce(`${VERBS[event.type]}: “${event.task.title}”`);
  });
}
