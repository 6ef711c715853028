"use client";

import type { Task } from "@todo/contracts";
import { useEffect, useState } from "react";
import { FormError } from "@/components/field";
import { useAnnounce } from "@/lib/announcer";
import { describeError, type TaskQuery } from "@/lib/api-client";
import { useSession } from "@/lib/session";
import { flattenPages } from "./task-cache";
import { TaskItem } from "./task-item";
import type { TaskGroup } from "./task-views";
import { useDeleteTask, useSetComplete, useTaskList } from "./use-tasks";

interface TaskListProps {
  query: TaskQuery;
  /** Splits the loaded tasks into titled sections (Overdue / Today, one per day, …). */
  group: (tasks: Task[]) => TaskGroup[];
  /** What to say when nothing matches. */
  empty: string;
  onEdit: (task: Task) => void;
  onReady: () => void;
}

/** The tasks of one query, with "Load more", complete and delete (both optimistic). */
export function TaskList({ query, group, empty, onEdit, onReady }: TaskListProps) {
  const { timeZone } = useSession();
  const announce = useAnnounce();
  const list = useTaskList(query);
  const setComplete = useSetComplete();
  const remove = useDeleteTask();
  const [now, setNow] = useState(() => Date.now());
  const [actionError, setActionError] = useState<string | undefined>();

  // Overdue and due-soon highlighting follows the clock.
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(timer);
  }, []);
  useEffect(() => {
    if (list.isSuccess) onReady();
  }, [list.isSuccess, onReady]);

  async function toggle(task: Task) {
    setActionError(undefined);
    try {
      const updated = await setComplete.mutateAsync({ task, completed: !task.completed });
      announce(updated.completed ? `Completed “${updated.title}”` : `“${updated.title}” is not done`);
    } catch (error) {
      setActionError(describeError(error));
    }
  }

  async function onDelete(task: Task) {
    setActionError(undefined);
    try {
      await remove.mutateAsync({ task });
      announce(`Deleted “${task.title}”`);
      document.getElementById("quick-add-title")?.focus();
    } catch (error) {
      setActionError(describeError(error));
    }
  }

  if (list.isPending) {
    return (
      <p role="status" className="muted">
        Loading tasks…
      </p>
    );
  }
  if (list.isError && !list.data) {
    return (
      <div className="card" role="alert">
        <p>Could not load your tasks: {describeError(list.error)}</p>
        <button type="button" className="button" onClick={() => void list.refetch()}>
          Try again
        </button>
      </div>
    );
  }
  const items = flattenPages(list.data);
  const total = list.data?.pages.at(-1)?.page.total ?? 0;
  const busyId = setComplete.isPending ? setComplete.variables?.task.id : undefined;
  return (
    <>
      <FormError message={actionError ?? (list.isError ? describeError(list.error) : undefined)} />
      <p className="muted" aria-live="polite" id="task-count">
        {total === 0 ? "" : `Showing ${items.length} of ${total} ${total === 1 ? "task" : "tasks"}`}
      </p>
      {items.length === 0 ? (
        <div className="empty">
          <p>{empty}</p>
        </div>
      ) : (
        group(items).map((g) => {
          const rows = g.tasks.map((task) => (
            <TaskItem
              key={task.id}
              task={task}
              timeZone={timeZone}
              now={now}
              busy={busyId === task.id}
              onToggle={toggle}
              onEdit={onEdit}
              onDelete={onDelete}
            />
          ));
          return g.label ? (
            <section key={g.key} className="task-group" aria-labelledby={`group-${g.key}`}>
              <h2
                id={`group-${g.key}`}
                className={`task-group-title${g.key === "overdue" ? " overdue" : ""}`}
              >
                {g.label} <span className="muted">{g.tasks.length}</span>
              </h2>
              <ul className="task-list" aria-labelledby={`group-${g.key}`}>
                {rows}
              </ul>
            </section>
          ) : (
            <ul key={g.key} className="task-list" aria-label="Tasks" aria-describedby="task-count">
              {rows}
            </ul>
          );
        })
      )}
      {list.hasNextPage ? (
        <button
          type="button"
          className="button load-more"
          onClick={() => void list.fetchNextPage()}
          disabled={list.isFetchingNextPage}
        >
          {list.isFetchingNextPage ? "Loading…" : "Load more"}
        </button>
      ) : null}
    </>
  );
}
