import { z } from "zod";
import { Notification } from "./notifications.ts";
import { Task } from "./tasks.ts";

export const TASK_EVENTS_TOPIC = "task-events";
export const NOTIFICATION_EVENTS_TOPIC = "notification-events";
/**
 * 2: task.updated carries `data.previous` (the changed fields' values before the change), and
 * `source` may be "api" (a REST API client). Version 1 events have no `previous`; consumers that do
 * not know it ignore it.
 */
export const SCHEMA_VERSION = 2;

export const TaskEventType = z.enum([
  "task.created",
  "task.updated",
  "task.completed",
  "task.deleted",
  "task.due.approaching",
]);
export type TaskEventType = z.infer<typeof TaskEventType>;

/**
 * Who made the change the event records: the backend for a person in the web app (a session
 * cookie), "api" for a client of the REST API with a bearer token, "mcp" for an AI assistant
 * through the MCP server (an OAuth access token or a personal token), or the service that wrote it.
 * "api" is new with schema_version 2.
 */
export const EventSource = z.enum([
  "backend",
  "api",
  "recurring-task-service",
  "notification-service",
  "mcp",
]);
export type EventSource = z.infer<typeof EventSource>;

/**
 * The event's place within its aggregate: the task it names (task_id), or its user when it names
 * none. Assigned by the transaction that writes the event, it rises with every event of the
 * aggregate in commit order (not always by one), so a receiver that keeps the highest number seen
 * per task can drop an older event arriving late (a retried webhook, a redelivery). Events
 * written before numbering began carry none.
 */
export const EventSequence = z.number().int().min(1).meta({
  description:
    "Per-aggregate order: rises with each event of the task (or of the user, without a task), in commit order",
});

// The seed's fields (event_type, task_id, user_id, timestamp, data, source) plus event_id and
// schema_version. Objects are loose: consumers ignore fields they do not know.
const envelope = {
  event_id: z.uuid(),
  schema_version: z.number().int().min(1),
  user_id: z.string(),
  timestamp: z.iso.datetime({ offset: true }),
  source: EventSource,
  sequence: EventSequence.optional(),
};

/** A task in an event; events written before tasks had versions carry none. */
const EventTask = Task.extend({ version: z.number().int().optional() }).loose();

/**
 * What changed, for task.updated: the names of the fields whose values differ, and (schema
 * version 2) `previous`, those fields' values before the change, keyed as in the task: with
 * `priority_id` comes `priority`, and `tag_ids` is given as `tags`.
 */
const TaskChange = z.looseObject({
  task: EventTask,
  changed_fields: z.array(z.string()).optional(),
  previous: z
    .record(z.string(), z.unknown())
    .optional()
    .meta({ description: "The changed fields' values before the change (schema_version 2 and later)" }),
});

export const TaskCreated = z.looseObject({
  ...envelope,
  event_type: z.literal("task.created"),
  task_id: z.number().int(),
  data: z.looseObject({ task: EventTask }),
});
export const TaskUpdated = z.looseObject({
  ...envelope,
  event_type: z.literal("task.updated"),
  task_id: z.number().int(),
  data: TaskChange,
});
export const TaskCompleted = z.looseObject({
  ...envelope,
  event_type: z.literal("task.completed"),
  task_id: z.number().int(),
  data: z.looseObject({ task: EventTask }),
});
export const TaskDeleted = z.looseObject({
  ...envelope,
  event_type: z.literal("task.deleted"),
  task_id: z.number().int(),
  data: z.looseObject({ task: EventTask }),
});
export const TaskDueApproaching = z.looseObject({
  ...envelope,
  event_type: z.literal("task.due.approaching"),
  task_id: z.number().int(),
  data: z.looseObject({
    task: EventTask,
    due_date: z.iso.datetime({ offset: true }),
    offset_minutes: z.number().int(),
  }),
});

export const NotificationChannel = z.enum(["in_app", "email", "push", "webhook"]);
export type NotificationChannel = z.infer<typeof NotificationChannel>;

/** A request to notify a user, from any service; task_id is null when no task is concerned. */
export const NotificationSend = z.looseObject({
  ...envelope,
  event_type: z.literal("notification.send"),
  task_id: z.number().int().nullable(),
  data: z.looseObject({
    title: z.string().min(1).max(200),
    body: z.string().max(2000),
    channels: z.array(NotificationChannel).optional(),
  }),
});

/** A new in-app notification, for the user's live stream; its consumers must not notify again. */
export const NotificationCreated = z.looseObject({
  ...envelope,
  event_type: z.literal("notification.created"),
  task_id: z.number().int().nullable(),
  data: z.looseObject({ notification: Notification }),
});

/**
 * The account and everything it owned (tasks, tags, templates, notifications, webhooks, push
 * subscriptions, sessions) are gone. On the task-events topic, in the user's partition, after
 * the user's last task event; consumers drop what they keep about the user.
 */
export const UserDeleted = z.looseObject({
  ...envelope,
  event_type: z.literal("user.deleted"),
  task_id: z.null(),
  data: z.looseObject({}),
});

export const TaskEvent = z.discriminatedUnion("event_type", [
  TaskCreated,
  TaskUpdated,
  TaskCompleted,
  TaskDeleted,
  TaskDueApproaching,
]);
export type TaskEvent = z.infer<typeof TaskEvent>;

export const DomainEvent = z.discriminatedUnion("event_type", [
  TaskCreated,
  TaskUpdated,
  TaskCompleted,
  TaskDeleted,
  TaskDueApproaching,
  NotificationSend,
  NotificationCreated,
  UserDeleted,
]);
export type DomainEvent = z.infer<typeof DomainEvent>;
export type DomainEventType = DomainEvent["event_type"];

export const eventSchemas = {
  "task.created": TaskCreated,
  "task.updated": TaskUpdated,
  "task.completed": TaskCompleted,
  "task.deleted": TaskDeleted,
  "task.due.approaching": TaskDueApproaching,
  "notification.send": NotificationSend,
  "notification.created": NotificationCreated,
  "user.deleted": UserDeleted,
} as const;

export function topicOf(eventType: DomainEventType): string {
  return eventType.startsWith("notification.") ? NOTIFICATION_EVENTS_TOPIC : TASK_EVENTS_TOPIC;
}
