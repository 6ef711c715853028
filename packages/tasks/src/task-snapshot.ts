import type { Priority, TagSummary, Task } from "@todo/contracts";
import type { Executor, TasksTable } from "@todo/db";
import { type Selectable, sql } from "kysely";

export type TaskRow = Selectable<TasksTable>;
type PriorityRow = { p_id: number; p_name: string; p_level: number; p_color: string };

/** The task as the API and the events show it: with its priority and its tags. */
export function toTask(row: TaskRow, priority: Priority, tags: TagSummary[]): Task {
  return {
    id: row.id,
    user_id: row.user_id,
    title: row.title,
    description: row.description,
    completed: row.completed,
    completed_at: row.completed_at?.toISOString() ?? null,
    due_date: row.due_date?.toISOString() ?? null,
    priority_id: row.priority_id,
    priority,
    tags,
    recurring_task_id: row.recurring_task_id,
    reminder_offsets_minutes: row.reminder_offsets_minutes,
    version: row.version,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

export async function tagsByTask(db: Executor, taskIds: number[]): Promise<Map<number, TagSummary[]>> {
  const byTask = new Map<number, TagSummary[]>();
  if (taskIds.length === 0) return byTask;
  const rows = await db
    .selectFrom("task_tags as tt")
    .innerJoin("tags as g", "g.id", "tt.tag_id")
    .select(["tt.task_id", "g.id", "g.name", "g.color"])
    .where("tt.task_id", "=", sql<number>`any(${taskIds})`)
    .orderBy("g.name")
    .execute();
  for (const { task_id, ...tag } of rows) {
    const list = byTask.get(task_id) ?? [];
    list.push(tag);
    byTask.set(task_id, list);
  }
  return byTask;
}

/** Turns joined task + priority rows into API tasks, loading the tags of all of them at once. */
export async function assembleTasks(db: Executor, rows: (TaskRow & PriorityRow)[]): Promise<Task[]> {
  const tags = await tagsByTask(
    db,
    rows.map((r) => r.id),
  );
  return rows.map(({ p_id, p_name, p_level, p_color, ...task }) =>
    toTask(task, { id: p_id, name: p_name, level: p_level, color: p_color }, tags.get(task.id) ?? []),
  );
}

export function selectTasksWithPriority(db: Executor) {
  return db
    .selectFrom("tasks as t")
    .innerJoin("priorities as p", "p.id", "t.priority_id")
    .selectAll("t")
    .select(["p.id as p_id", "p.name as p_name", "p.level as p_level", "p.color as p_color"]);
}

export async function loadTask(db: Executor, userId: string, id: number): Promise<Task | undefined> {
  const row = await selectTasksWithPriority(db)
    .where("t.user_id", "=", userId)
    .where("t.id", "=", id)
    .executeTakeFirst();
  if (!row) return undefined;
  const [task] = await assembleTasks(db, [row]);
  return task;
}
