import type { Task } from "@todo/contracts";
import type { Database, RecurringTasksTable } from "@todo/db";
import { type NewEvent, recordEvents } from "@todo/events";
import { nextAfterCompletion, nextOccurrence } from "@todo/recurrence";
import { type Selectable, sql, type Transaction } from "kysely";
import { ruleOf } from "./recurring-tasks.ts";
import { nextReminderAt } from "./reminders.ts";
import { tagsJson, taskJson } from "./task-snapshot.ts";

export interface RecurringOccurrence {
  template: Selectable<RecurringTasksTable>;
  occurrence: Date;
}

/**
 * A missed occurrence that a later one has already replaced (a catch-up creating many at once):
 * reminding of it would only be noise, so only the latest missed one and future ones are reminded.
 */
function superseded(template: Selectable<RecurringTasksTable>, occurrence: Date, now: Date): boolean {
  if (occurrence > now) return false;
  const following = nextOccurrence(ruleOf(template), occurrence);
  return following !== null && following <= now;
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
  // Inserted and read back in the task's shape in one statement; a new instance has no tags yet.
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
            reminder_offsets_minutes: template.reminder_offsets_minutes,
            next_reminder_at: superseded(template, occurrence, now)
              ? null
              : nextReminderAt(occurrence, template.reminder_offsets_minutes, now),
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
    .select(["t.recurring_task_id", "t.occurrence_at", taskJson(tagsJson([])).as("task")])
    .execute();
  if (rows.length === 0) return [];
  const byKey = new Map(rows.map((row) => [`${row.recurring_task_id}/${row.occurrence_at!.getTime()}`, row]));
  const created: (RecurringOccurrence & { task: Task })[] = [];
  for (const item of items) {
    const row = byKey.get(`${item.template.id}/${item.occurrence.getTime()}`);
    if (row) created.push({ ...item, task: row.task });
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

/**
 * For a series that repeats from completion: the instance after `task`, due at its completion plus
 * the interval (nextAfterCompletion), created in the caller's transaction. Only the series' latest
 * instance makes a next one, checked under the template's row lock: completing twice, a replayed
 * completion, or an earlier instance reopened and completed again find a later instance and make
 * nothing. A paused series makes its next instance when it is resumed; one that has made
 * `max_occurrences` instances, or whose rule has ended, is deactivated instead.
 */
export async function followCompletedInstance(
  tx: Transaction<Database>,
  task: { recurring_task_id: number | null; occurrence_at: Date | null },
  completedAt: Date,
): Promise<Task | null> {
  if (task.recurring_task_id === null || task.occurrence_at === null) return null;
  const template = await tx
    .selectFrom("recurring_tasks")
    .selectAll()
    .where("id", "=", task.recurring_task_id)
    .where("repeat_from", "=", "completion")
    .where("is_active", "=", true)
    .forUpdate()
    .executeTakeFirst();
  if (!template) return null;
  const later = await tx
    .selectFrom("tasks")
    .select("id")
    .where("recurring_task_id", "=", template.id)
    .where("occurrence_at", ">", task.occurrence_at)
    .limit(1)
    .executeTakeFirst();
  if (later) return null;
  const full = template.max_occurrences !== null && template.occurrences_created >= template.max_occurrences;
  const next = full ? null : nextAfterCompletion(ruleOf(template), completedAt);
  const [created] = next
    ? await createRecurringInstances(tx, [{ template, occurrence: next }], completedAt)
    : [];
  await tx
    .updateTable("recurring_tasks")
    .set({
      ...(next ? { next_occurrence: next } : { is_active: false }),
      occurrences_created: sql`occurrences_created + ${created ? 1 : 0}`,
      updated_at: sql`now()`,
    })
    .where("id", "=", template.id)
    .execute();
  return created?.task ?? null;
}

/** On resume, a completion series whose latest instance was completed during the pause goes on from now. */
export async function resumeCompletionSeries(
  tx: Transaction<Database>,
  template: Selectable<RecurringTasksTable>,
  now: Date,
): Promise<void> {
  const latest = await tx
    .selectFrom("tasks")
    .select(["recurring_task_id", "occurrence_at", "completed"])
    .where("recurring_task_id", "=", template.id)
    .orderBy("occurrence_at", "desc")
    .limit(1)
    .executeTakeFirst();
  if (latest?.completed) await followCompletedInstance(tx, latest, now);
}
