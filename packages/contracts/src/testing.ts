import type { Task } from "./tasks.ts";

/** A task as events and answers carry it, for tests: Medium priority, no tags, no dates. */
export function sampleTask(userId: string, id: number, extra: Partial<Task> = {}): Task {
  return {
    id,
    user_id: userId,
    title: `Task ${id}`,
    description: null,
    completed: false,
    completed_at: null,
    due_date: null,
    priority_id: 2,
    priority: { id: 2, name: "Medium", level: 2, color: "#3B82F6" },
    tags: [],
    recurring_task_id: null,
    reminder_offsets_minutes: null,
    version: 1,
    created_at: "2027-01-01T00:00:00.000Z",
    updated_at: "2027-01-01T00:00:00.000Z",
    ...extra,
  };
}
