import type { Task } from "@todo/contracts";
import type { Database, RecurringTasksTable } from "@todo/db";
import { type NewEvent, recordEvents } from "@todo/events";
import type { Selectable, Transaction } from "kysely";
import { nextReminderAt } from "./reminders.ts";
import { toTask } from "./task-snapshot.ts";

export interface RecurringOccurrence {
  template: Selectable<RecurringTasksTable>;
  occurrence: Date;
}

/**
 * Creates the task for each occurrence of a template, with its task.created event, unless it
 * exists already: the unique key on (template, occurrence) makes this safe from any number of
 * scheduler replicas and repeated ticks. Two statements whatever their number: one INSERT of the
 * tasks (ON CONFLICT on that key), one INSERT of their events. Answers the occurrences that were
 * created, in the order given (which is also their events' order). At most a few thousand at a
 * time: each task takes 9 of PostgreSQL's 65,535 bind parameters.
 */
export async function createRecurringInstances(
  tx: Transaction<Database>,
  items: RecurringOccurrence[],
  now = new Date(),
): Promise<(RecurringOccurrence & { task: Task })[]> {
  if (items.length === 0) return [];
  // Insert and read back with their priorities in one statement; a new instance has no tags yet.
  const rows = await tx
    .with("t", (db) =>
      db
        .insertInto("tasks")
        .values(
          items.map(({ template, occurrence }) => ({
            user_id: template.user_id,
            title: template.template_title,
            description: template.template_description,
            priority_id: template.priority_id,
            recurring_task_id: template.id,
            occurrence_at: occurrence,
            due_date: occurrence,
            reminder_offsets_minutes: null,
            next_reminder_at: nextReminderAt(occurrence, null, now),
          })),
        )
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
    .execute();
  if (rows.length === 0) return [];
  const byKey = new Map(rows.map((row) => [`${row.recurring_task_id}/${row.occurrence_at!.getTime()}`, row]));
  const created: (RecurringOccurrence & { task: Task })[] = [];
  for (const item of items) {
    const row = byKey.get(`${item.template.id}/${item.occurrence.getTime()}`);
    if (!row) continue;
    const { p_id, p_name, p_level, p_color, ...taskRow } = row;
    created.push({
      ...item,
      task: toTask(taskRow, { id: p_id, name: p_name, level: p_level, color: p_color }, []),
    });
  }
  await recordEvents(
    tx,
    created.map(
      ({ template, task }): NewEvent => ({
        event_type: "task.created",
        task_id: task.id,
        user_id: template.user_id,
        source: "recurring-task-service",
        data: { task },
      }),
    ),
  );
  return created;
}
