import { z } from "zod";
import { CursorParam, DateTime, Id, InputDateTime } from "./common.ts";
import { TaskEventType } from "./events.ts";

/**
 * Who made a change: a person through the web app ("user"), the recurring-task service, an AI
 * assistant through the MCP server ("mcp"), or a client of the REST API with an app token ("api").
 */
export const ActivityActor = z.enum(["user", "recurring-task-service", "mcp", "api"]);
export type ActivityActor = z.infer<typeof ActivityActor>;

/** One changed field of a task.updated event, with its value before and after the change. */
export const ActivityChange = z.object({
  field: z.string(),
  before: z.unknown(),
  after: z.unknown(),
});
export type ActivityChange = z.infer<typeof ActivityChange>;

/**
 * One recorded task event. `changes` is empty for events without a field change (created,
 * completed, deleted show as their event_type); a reopen is a task.updated whose changes are
 * `[{ field: "completed", before: true, after: false }]`. `template` names the recurring
 * template an instance was created from ("created from 'Pay rent' schedule"), else null.
 * `occurred_at` is the event's time, not the time it was recorded.
 */
export const ActivityEntry = z.object({
  id: z.number().int(),
  event_id: z.uuid(),
  event_type: z.string(),
  task_id: z.number().int().nullable(),
  task_title: z.string().nullable(),
  actor: ActivityActor,
  actor_user_id: z.string().nullable(),
  occurred_at: DateTime,
  changes: z.array(ActivityChange),
  template: z.object({ id: z.number().int(), title: z.string() }).nullable(),
});
export type ActivityEntry = z.infer<typeof ActivityEntry>;

/** A page of activity; next_cursor is null on the last page. */
export const ActivityList = z.object({ items: z.array(ActivityEntry), next_cursor: z.string().nullable() });
export type ActivityList = z.infer<typeof ActivityList>;

export const ACTIVITY_PAGE_DEFAULT = 50;
export const ACTIVITY_PAGE_MAX = 200;

const ActivityLimit = z.coerce.number().int().min(1).max(ACTIVITY_PAGE_MAX).default(ACTIVITY_PAGE_DEFAULT);

/** `event_type=` may repeat (`?event_type=task.created&event_type=task.updated`): any of them. */
const EventTypeFilter = z
  .union([TaskEventType, z.array(TaskEventType).min(1).max(10)])
  .transform((value) => (Array.isArray(value) ? value : [value]));

/** GET /api/{user_id}/activity: newest first; from/to bound occurred_at (from inclusive, to exclusive). */
export const ListActivityQuery = z.strictObject({
  task_id: Id.optional(),
  event_type: EventTypeFilter.optional(),
  from: InputDateTime.optional(),
  to: InputDateTime.optional(),
  cursor: CursorParam,
  limit: ActivityLimit,
});
export type ListActivityQuery = z.infer<typeof ListActivityQuery>;

/** GET /api/{user_id}/tasks/{id}/activity: the task's story, oldest first. */
export const TaskActivityQuery = z.strictObject({ cursor: CursorParam, limit: ActivityLimit });
export type TaskActivityQuery = z.infer<typeof TaskActivityQuery>;
