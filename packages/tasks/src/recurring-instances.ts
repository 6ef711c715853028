import type { Task } from "@todo/contracts";
import type { Database, RecurringTasksTable } from "@todo/db";
import { recordEvent } from "@todo/events";
import type { Selectable, Transaction } from "kysely";
import { nextReminderAt } from "./reminders.ts";
import { toTask } from "./task-snapshot.ts";

/**
 * Creates the task for one occurrence of a template, with its task.created event, unless it
 * exists already: the unique key on (template, occurrence) makes this safe from any number of
 * scheduler replicas and repeated ticks. Answers the new task, or null when it existed.
 */
export async function createRecurringInstance(
  tx: Transaction<Database>,
  template: Selectable<RecurringTasksTable>,
  occurrence: Date,
  now = new Date(),
): Promise<Task | null> {
  // Insert and read back with its priority in one statement; a new instance has no tags yet.
  const row = await tx
    .with("t", (db) =>
      db
        .insertInto("tasks")
        .values({
          user_id: template.user_id,
          title: template.template_title,
          description: template.template_description,
          priority_id: template.priority_id,
          recurring_task_id: template.id,
          occurrence_at: occurrence,
          due_date: occurrence,
          reminder_offsets_minutes: null,
          next_reminder_at: nextReminderAt(occurrence, null, now),
        })
        .onConflict((oc) =>
          oc
            .columns(["recurring_task_id", "occurrence_at"])
            .where("recurring_task_id", "is not", null)
            .doNothing(),
        )
        .returningAll(),
    )
    .selectFrom("t")
    .innerJoin("priorities as p", "p.id", "t.priority_id")
    .selectAll("t")
    .select(["p.id as p_id", "p.name as p_name", "p.level as p_level", "p.color as p_color"])
    .executeTakeFirst();
  if (!row) return null;
  const { p_id, p_name, p_level, p_color, ...taskRow } = row;
  const task = toTask(taskRow, { id: p_id, name: p_name, level: p_level, color: p_color }, []);
  await recordEvent(tx, {
    event_type: "task.created",
    task_id: task.id,
    user_id: template.user_id,
    source: "recurring-task-service",
    data: { task },
  });
  return task;
}
