"use client";

import { useQueryClient } from "@tanstack/react-query";
import type { Task } from "@todo/contracts";
import { useCallback, useEffect, useRef, useState } from "react";
import { useAnnounce } from "@/lib/announcer";
import { describeError } from "@/lib/api-client";
import { useSession } from "@/lib/session";
import { noteOwnChange } from "../live/use-live-sync";
import { tagKeys } from "../tags/tag-keys";
import { removeTaskFromPages, type TaskPages } from "./task-cache";
import { taskKeys } from "./task-keys";
import { useSetComplete } from "./use-tasks";

/** How long the Undo toast stays, and so how long a delete waits before it is sent. */
export const UNDO_MS = 6_000;

export interface Toast {
  id: number;
  message: string;
  undo: () => void;
}

/**
 * Complete and delete with Undo. Completing is sent at once (task.completed is true) and Undo
 * reopens it (a second, real change). Deleting is *delayed*: the row leaves at once, the DELETE
 * goes after UNDO_MS, so Undo sends nothing and no task.deleted event ever says otherwise. A page
 * closed or left meanwhile sends its pending deletes at once with `keepalive`, so they are not lost,
 * and the reads of the next page wait for them (the API client's read-your-writes rule), so its
 * counts already leave the task out.
 */
export function useTaskActions() {
  const { api } = useSession();
  const client = useQueryClient();
  const announce = useAnnounce();
  const setComplete = useSetComplete();
  const [toast, setToast] = useState<Toast | null>(null);
  const [error, setError] = useState<string | undefined>();
  const [hidden, setHidden] = useState<ReadonlySet<number>>(new Set());
  const pending = useRef(new Map<number, ReturnType<typeof setTimeout>>());
  const toastTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const show = useCallback((message: string, undo: () => void) => {
    clearTimeout(toastTimer.current);
    const id = Date.now();
    setToast({ id, message, undo });
    toastTimer.current = setTimeout(() => setToast((t) => (t?.id === id ? null : t)), UNDO_MS);
  }, []);
  const dismiss = useCallback(() => setToast(null), []);
  const unhide = (id: number) =>
    setHidden((set) => {
      const next = new Set(set);
      next.delete(id);
      return next;
    });

  // A page being closed or navigated away sends what it still holds back. Once answered, what was
  // read meanwhile is read again: the next page may have read its counts before the delete landed.
  useEffect(() => {
    const timers = pending.current;
    const flush = () => {
      if (timers.size === 0) return;
      const sent = [...timers].map(([id, timer]) => {
        clearTimeout(timer);
        return api.tasks.removeOnUnload(id);
      });
      timers.clear();
      void Promise.all(sent).then(() => {
        void client.invalidateQueries({ queryKey: taskKeys.all });
        void client.invalidateQueries({ queryKey: tagKeys.all });
      });
    };
    window.addEventListener("pagehide", flush);
    return () => {
      window.removeEventListener("pagehide", flush);
      flush();
    };
  }, [api, client]);

  async function toggle(task: Task) {
    setError(undefined);
    try {
      const updated = await setComplete.mutateAsync({ task, completed: !task.completed });
      if (!updated.completed) {
        announce(`“${updated.title}” is not done`);
        return;
      }
      announce(`Completed “${updated.title}”`);
      show(`Completed “${updated.title}”`, () => {
        setComplete.mutate(
          { task: updated, completed: false },
          {
            onSuccess: () => announce(`“${updated.title}” is not done`),
            onError: (e) => setError(describeError(e)),
          },
        );
      });
    } catch (e) {
      setError(describeError(e));
    }
  }

  function remove(task: Task) {
    setError(undefined);
    noteOwnChange(task.id);
    setHidden((set) => new Set([...set, task.id]));
    client.setQueriesData<TaskPages>({ queryKey: taskKeys.lists() }, (data) =>
      removeTaskFromPages(data, task.id),
    );
    const timer = setTimeout(async () => {
      pending.current.delete(task.id);
      try {
        await api.tasks.remove(task.id);
      } catch (e) {
        setError(`Could not delete “${task.title}”: ${describeError(e)}`);
      } finally {
        unhide(task.id);
        void client.invalidateQueries({ queryKey: taskKeys.all });
        void client.invalidateQueries({ queryKey: tagKeys.all });
      }
    }, UNDO_MS);
    pending.current.set(task.id, timer);
    announce(`Deleted “${task.title}”`);
    show(`Deleted “${task.title}”`, () => {
      clearTimeout(pending.current.get(task.id));
      pending.current.delete(task.id);
      unhide(task.id);
      void client.invalidateQueries({ queryKey: taskKeys.all });
      announce(`Restored “${task.title}”`);
    });
  }

  const busyId = setComplete.isPending ? setComplete.variables?.task.id : undefined;
  return { toggle, remove, toast, dismiss, error, hidden, busyId };
}

export type TaskActions = ReturnType<typeof useTaskActions>;
