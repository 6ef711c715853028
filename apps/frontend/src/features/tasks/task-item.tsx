"use client";

import type { Task } from "@todo/contracts";
import { PriorityBadge, TagChip } from "@/components/badges";
import { dueState, formatDue, relativeTime } from "@/lib/time-zone";

interface TaskItemProps {
  task: Task;
  timeZone: string;
  now: number;
  busy: boolean;
  onToggle: (task: Task) => void;
  onEdit: (task: Task) => void;
  onDelete: (task: Task) => void;
}

export function TaskItem({ task, timeZone, now, busy, onToggle, onEdit, onDelete }: TaskItemProps) {
  const state = dueState(task.due_date, task.completed, now);
  const checkboxId = `task-${task.id}-done`;
  return (
    <li className={`task${task.completed ? " task-done" : ""}`} data-task-id={task.id} tabIndex={-1}>
      <input
        id={checkboxId}
        type="checkbox"
        className="task-check"
        checked={task.completed}
        disabled={busy}
        onChange={() => onToggle(task)}
        aria-label={task.completed ? `Mark “${task.title}” as not done` : `Complete “${task.title}”`}
      />
      <div className="task-body">
        <div className="task-title-row">
          <span className="task-title">{task.title}</span>
          {task.completed ? <span className="visually-hidden">(done)</span> : null}
          <PriorityBadge priority={task.priority} />
          {task.recurring_task_id != null ? (
            <span className="recurring-marker" title="Created by a recurring task">
              <span aria-hidden="true">↻</span> Recurring
            </span>
          ) : null}
        </div>
        {task.description ? <p className="task-description">{task.description}</p> : null}
        <div className="task-meta">
          {task.due_date ? (
            <span className={`due${state ? ` due-${state}` : ""}`}>
              {state === "overdue" ? <strong>Overdue · </strong> : null}
              {state === "soon" ? <strong>Due soon · </strong> : null}
              Due{" "}
              <time dateTime={task.due_date} title={relativeTime(task.due_date, now)}>
                {formatDue(task.due_date, timeZone)}
              </time>
            </span>
          ) : null}
          {task.tags.length > 0 ? (
            <ul className="chips" aria-label="Tags">
              {task.tags.map((tag) => (
                <li key={tag.id}>
                  <TagChip tag={tag} />
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      </div>
      <div className="task-actions">
        <button
          type="button"
          className="button button-quiet"
          onClick={() => onEdit(task)}
          aria-label={`Edit “${task.title}”`}
        >
          Edit
        </button>
        <button
          type="button"
          className="button button-quiet"
          onClick={() => onDelete(task)}
          aria-label={`Delete “${task.title}”`}
        >
          Delete
        </button>
      </div>
    </li>
  );
}
