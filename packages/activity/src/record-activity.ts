import type { ActivityActor, ActivityChange, DomainEvent, EventSource, Task } from "@todo/contracts";
import type { Database } from "@todo/db";
import type { Transaction } from "kysely";

/** The task events the log records: changes to a task. Reminders (task.due.approaching) are not. */
const recorded = new Set(["task.created", "task.updated", "task.completed", "task.deleted"]);

const actors: Record<EventSource, ActivityActor> = {
  backend: "user",
  api: "api",
  mcp: "mcp",
  "recurring-task-service": "recurring-task-service",
  "notification-service": "user",
};

/**
 * Writes the activity row of one event, inside the transaction that marks the event processed.
 * `task_activity.event_id` is unique as well, so a redelivery writes nothing twice even if the
 * processed mark were bypassed. user.deleted drops the user's rows (the foreign key does too).
 */
export async function recordActivity(event: DomainEvent, tx: Transaction<Database>): Promise<void> {
  if (event.event_type === "user.deleted") {
    await tx.deleteFrom("task_activity").where("user_id", "=", event.user_id).execute();
    return;
  }
  if (!recorded.has(event.event_type) || !("task" in event.data)) return;
  const task = event.data.task as Task;
  const user = await tx.selectFrom("users").select("id").where("id", "=", event.user_id).executeTakeFirst();
  if (!user) return; // the account is gone: nothing to keep
  const actor = actors[event.source];
  const template =
    event.event_type === "task.created" && event.source === "recurring-task-service" && task.recurring_task_id
      ? await templateOf(tx, event.user_id, task.recurring_task_id, task.title)
      : null;
  await tx
    .insertInto("task_activity")
    .values({
      event_id: event.event_id,
      user_id: event.user_id,
      event_type: event.event_type,
      task_id: event.task_id,
      task_title: task.title,
      actor,
      actor_user_id: actor === "recurring-task-service" ? null : event.user_id,
      occurred_at: event.timestamp,
      changes: JSON.stringify(changesOf(event)),
      template_id: template?.id ?? null,
      template_title: template?.title ?? null,
    })
    .onConflict((oc) => oc.column("event_id").doNothing())
    .execute();
}

/** The template an instance came from; a template deleted since is named by the instance's title. */
async function templateOf(tx: Transaction<Database>, userId: string, id: number, fallback: string) {
  const row = await tx
    .selectFrom("recurring_tasks")
    .select("template_title")
    .where("id", "=", id)
    .where("user_id", "=", userId)
    .executeTakeFirst();
  return { id, title: row?.template_title ?? fallback };
}

/**
 * The before → after of each changed field of a task.updated event. Priorities and tags are
 * given by name (`priority`, `tags`), as a person reads them. Before values come from
 * `data.previous` (schema version 2); a version 1 event has none, so before is null, except for
 * `completed`, which can only have been the opposite.
 */
export function changesOf(event: DomainEvent): ActivityChange[] {
  if (event.event_type !== "task.updated") return [];
  const task = event.data.task as Task;
  const previous = (event.data.previous ?? {}) as Record<string, unknown>;
  const has = (key: string) => Object.hasOwn(previous, key);
  return (event.data.changed_fields ?? []).map((field): ActivityChange => {
    if (field === "priority_id") {
      const before = previous.priority as { name?: string } | undefined;
      return { field: "priority", before: before?.name ?? null, after: task.priority.name };
    }
    if (field === "tag_ids") {
      const before = previous.tags as { name: string }[] | undefined;
      return {
        field: "tags",
        before: before?.map((t) => t.name) ?? null,
        after: task.tags.map((t) => t.name),
      };
    }
    const after = (task as Record<string, unknown>)[field] ?? null;
    if (has(field)) return { field, before: previous[field] ?? null, after };
    return { field, before: field === "completed" ? !after : null, after };
  });
}
