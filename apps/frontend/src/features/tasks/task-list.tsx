"use client";

import type { Task } from "@todo/contracts";
import { useEffect, useState } from "react";
import { FormError } from "@/components/field";
import { describeError, type TaskQuery } from "@/lib/api-client";
import { useSession } from "@/lib/session";
import { flattenPages } from "./task-cache";
import { TaskItem } from "./task-item";
import type { TaskGroup } from "./task-views";
import { useListKeyboard } from "./use-keyboard";
import type { TaskActions } from "./use-task-actions";
import { useTaskList } from "./use-tasks";

interface TaskListProps {
  query: TaskQuery;
  /** Splits the loaded tasks into titled sections (Overdue / Today, one per day, …). */
  group: (tasks: Task[]) => TaskGroup[];
  /** What to say when nothing matches. */
  empty: string;
  actions: Pick<TaskActions, "toggle" | "remove" | "hidden" | "busyId">;
  onEdit: (task: Task) => void;
  onReady: () => void;
}

/** The tasks of one query, with "Load more" and the keyboard; complete and delete come with Undo. */
export function TaskList({ query, group, empty, actions, onEdit, onReady }: TaskListProps) {
  const { timeZone } = useSession();
  const list = useTaskList(query);
  const [now, setNow] = useState(() => Date.now());
  const items = flattenPages(list.data).filter((t) => !actions.hidden.has(t.id));
  useListKeyboard(items, { toggle: actions.toggle, edit: onEdit, remove: actions.remove });

  // Overdue and due-soon highlighting follows the clock.
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(timer);
  }, []);
  useEffect(() => {
    if (list.isSuccess) onReady();
  }, [list.isSuccess, onReady]);

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
  const total = list.data?.pages.at(-1)?.page.total ?? 0;
  return (
    <>
      <FormError message={list.isError ? describeError(list.error) : undefined} />
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
              busy={actions.busyId === task.id}
              onToggle={actions.toggle}
              onEdit={onEdit}
              onDelete={actions.remove}
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
