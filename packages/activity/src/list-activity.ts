import {
  type ActivityActor,
  type ActivityChange,
  type ActivityEntry,
  type ActivityList,
  decodeCursor,
  encodeCursor,
  type ListActivityQuery,
  ServiceError,
  type TaskActivityQuery,
} from "@todo/contracts";
import { afterKeys, type Executor, orderByKeys, type SortKey, type TaskActivityTable } from "@todo/db";
import type { Selectable } from "kysely";

export interface UserContext {
  db: Executor;
  userId: string;
}

const newestFirst: SortKey[] = [
  { column: "occurred_at", dir: "desc", type: "timestamptz" },
  { column: "id", dir: "desc", type: "integer" },
];
const oldestFirst: SortKey[] = [
  { column: "occurred_at", dir: "asc", type: "timestamptz" },
  { column: "id", dir: "asc", type: "integer" },
];

/**
 * GET /api/{user_id}/activity: the user's activity, newest first (by the event's time, then the
 * row id), keyset-paged. Filters: one task, any of the event types, from (inclusive) and to
 * (exclusive) bounds on the event's time. A cursor from another list or filter-free misuse is a
 * 400 naming `cursor`; from after to is a 400 naming `from`.
 */
export async function listActivity(ctx: UserContext, query: ListActivityQuery): Promise<ActivityList> {
  if (query.from && query.to && new Date(query.from) > new Date(query.to)) {
    throw ServiceError.invalid("from", "must not be after to");
  }
  const scope = "activity";
  const after = query.cursor ? decodeCursor(scope, query.cursor, 2) : undefined;
  let select = ctx.db.selectFrom("task_activity").selectAll().where("user_id", "=", ctx.userId);
  if (query.task_id !== undefined) select = select.where("task_id", "=", query.task_id);
  if (query.event_type) select = select.where("event_type", "in", query.event_type);
  if (query.from) select = select.where("occurred_at", ">=", new Date(query.from));
  if (query.to) select = select.where("occurred_at", "<", new Date(query.to));
  if (after) select = select.where(afterKeys(newestFirst, after));
  const rows = await select
    .orderBy(orderByKeys(newestFirst))
    .limit(query.limit + 1)
    .execute();
  return page(rows, query.limit, scope);
}

/**
 * GET /api/{user_id}/tasks/{id}/activity: one task's story, oldest first. A deleted task's
 * history stays readable; a task the user never had (or another user's) is a 404.
 */
export async function listTaskActivity(
  ctx: UserContext,
  taskId: number,
  query: TaskActivityQuery,
): Promise<ActivityList> {
  const scope = `task-activity:${taskId}`;
  const after = query.cursor ? decodeCursor(scope, query.cursor, 2) : undefined;
  let select = ctx.db
    .selectFrom("task_activity")
    .selectAll()
    .where("user_id", "=", ctx.userId)
    .where("task_id", "=", taskId);
  if (after) select = select.where(afterKeys(oldestFirst, after));
  const rows = await select
    .orderBy(orderByKeys(oldestFirst))
    .limit(query.limit + 1)
    .execute();
  if (rows.length === 0 && !after) {
    // No history yet (the event may be on its way) is not "no such task": the task may exist.
    const task = await ctx.db
      .selectFrom("tasks")
      .select("id")
      .where("id", "=", taskId)
      .where("user_id", "=", ctx.userId)
      .executeTakeFirst();
    if (!task) throw ServiceError.notFound("task");
  }
  return page(rows, query.limit, scope);
}

function page(rows: Selectable<TaskActivityTable>[], limit: number, scope: string): ActivityList {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items: items.map(toEntry),
    next_cursor:
      rows.length > limit && last ? encodeCursor(scope, [last.occurred_at.toISOString(), last.id]) : null,
  };
}

function toEntry(row: Selectable<TaskActivityTable>): ActivityEntry {
  return {
    id: row.id,
    event_id: row.event_id,
    event_type: row.event_type,
    task_id: row.task_id,
    task_title: row.task_title,
    actor: row.actor as ActivityActor,
    actor_user_id: row.actor_user_id,
    occurred_at: row.occurred_at.toISOString(),
    changes: row.changes as ActivityChange[],
    template: row.template_id !== null ? { id: row.template_id, title: row.template_title ?? "" } : null,
  };
}
