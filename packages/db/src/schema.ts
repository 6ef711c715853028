import type { ColumnType, Generated, GeneratedAlways } from "kysely";

// Kysely's view of the database. Timestamps are timestamptz and come back as Date.
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface UsersTable {
  id: Generated<string>;
  name: string;
  email: string;
  email_verified: Generated<boolean>;
  image: string | null;
  /** IANA time zone for the texts the user reads; null reads as UTC. */
  timezone: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface PrioritiesTable {
  id: Generated<number>;
  name: string;
  level: number;
  color: string;
  created_at: CreatedAt;
}

export interface TagsTable {
  id: Generated<number>;
  user_id: string;
  name: string;
  /** The name folded for uniqueness (nameKey in @todo/contracts: NFC, Unicode lower case). */
  name_key: string;
  color: Generated<string>;
  version: Generated<number>;
  created_at: CreatedAt;
}

export interface TaskTagsTable {
  task_id: number;
  tag_id: number;
  created_at: CreatedAt;
}

export interface TasksTable {
  id: Generated<number>;
  user_id: string;
  title: string;
  description: string | null;
  completed: Generated<boolean>;
  completed_at: NullableTimestamp;
  due_date: NullableTimestamp;
  priority_id: Generated<number>;
  recurring_task_id: number | null;
  occurrence_at: NullableTimestamp;
  reminder_offsets_minutes: number[] | null;
  next_reminder_at: NullableTimestamp;
  version: Generated<number>;
  /** fold_text(title || ' ' || description): lower case, accents removed; stored, trigram-indexed. */
  search_text: GeneratedAlways<string>;
  /** fold_text(title): the sort key of sort=title. */
  title_key: GeneratedAlways<string>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface RecurringTasksTable {
  id: Generated<number>;
  user_id: string;
  template_title: string;
  template_description: string | null;
  recurrence_pattern: string;
  cron_expression: string | null;
  interval: Generated<number>;
  weekdays: number[] | null;
  timezone: string;
  anchor_at: Date;
  next_occurrence: Date;
  ends_at: NullableTimestamp;
  max_occurrences: number | null;
  occurrences_created: Generated<number>;
  catch_up: Generated<string>;
  priority_id: Generated<number>;
  is_active: Generated<boolean>;
  repeat_from: Generated<string>;
  reminder_offsets_minutes: number[] | null;
  lead_time_minutes: Generated<number>;
  /** Instances made under earlier rules (before anchor_at); the engine counts from the anchor. */
  count_before_anchor: Generated<number>;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface OutboxTable {
  id: Generated<number>;
  xid: Generated<string>;
  event_id: string;
  topic: string;
  event_type: string;
  partition_key: string;
  payload: ColumnType<unknown, string, string>;
  created_at: CreatedAt;
  published_at: NullableTimestamp;
  attempts: Generated<number>;
  last_error: string | null;
  /** The relay holding the row while it publishes it (migration 0008). */
  lease_owner: string | null;
  leased_until: NullableTimestamp;
}

/** Per aggregate ("task/<id>", or "user/<id>" for events without a task): the last event's sequence. */
export interface EventSequencesTable {
  aggregate: string;
  user_id: string;
  last_sequence: ColumnType<number, number, number>;
}

export interface ProcessedEventsTable {
  consumer: string;
  event_id: string;
  processed_at: CreatedAt;
}

export interface DeadLettersTable {
  id: Generated<number>;
  consumer: string;
  event_id: string | null;
  topic: string;
  payload: ColumnType<unknown, string, string>;
  reason: string;
  created_at: CreatedAt;
}

export interface TaskRemindersTable {
  task_id: number;
  offset_minutes: number;
  due_date: Date;
  sent_at: CreatedAt;
}

export interface NotificationPreferencesTable {
  user_id: string;
  /** Per event type, the channels chosen: { "task.completed": { "in_app": true, "email": false } }. */
  preferences: ColumnType<Record<string, Record<string, boolean>>, string | undefined, string>;
  updated_at: Timestamp;
}

export interface NotificationsTable {
  id: Generated<number>;
  user_id: string;
  event_id: string;
  event_type: string;
  task_id: number | null;
  title: string;
  body: string;
  read_at: NullableTimestamp;
  created_at: CreatedAt;
}

export interface PushSubscriptionsTable {
  id: Generated<number>;
  user_id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  expiration_time: NullableTimestamp;
  created_at: CreatedAt;
}

export interface WebhooksTable {
  id: Generated<number>;
  user_id: string;
  url: string;
  event_types: string[];
  description: string | null;
  secret: string;
  version: Generated<number>;
  created_at: CreatedAt;
}

/** An Idempotency-Key and the answer it got; status is null while the first request runs. */
export interface IdempotencyKeysTable {
  user_id: string;
  key: string;
  request_hash: string;
  status: number | null;
  headers: ColumnType<Record<string, string> | null, string | null, string | null>;
  body: string | null;
  created_at: CreatedAt;
}

export interface NotificationDeliveriesTable {
  id: string;
  user_id: string;
  event_id: string;
  event_type: string;
  channel: "email" | "push" | "webhook";
  destination: string;
  payload: ColumnType<unknown, string, string>;
  status: ColumnType<
    "pending" | "delivered" | "failed" | "dead" | "skipped",
    "pending" | "delivered" | "failed" | "dead" | "skipped" | undefined,
    "pending" | "delivered" | "failed" | "dead" | "skipped"
  >;
  attempts: Generated<number>;
  next_attempt_at: NullableTimestamp;
  last_error: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

/** The activity log: one row per recorded task event (owned by audit-service). */
export interface TaskActivityTable {
  id: Generated<number>;
  event_id: string;
  user_id: string;
  event_type: string;
  task_id: number | null;
  task_title: string | null;
  actor: string;
  actor_user_id: string | null;
  occurred_at: Timestamp;
  /** `[{ field, before, after }]` as JSON text on write; read back parsed. */
  changes: ColumnType<unknown[], string, string>;
  template_id: number | null;
  template_title: string | null;
  recorded_at: CreatedAt;
}

export interface Database {
  task_activity: TaskActivityTable;
  idempotency_keys: IdempotencyKeysTable;
  notification_preferences: NotificationPreferencesTable;
  notifications: NotificationsTable;
  push_subscriptions: PushSubscriptionsTable;
  webhooks: WebhooksTable;
  notification_deliveries: NotificationDeliveriesTable;
  task_reminders: TaskRemindersTable;
  outbox: OutboxTable;
  event_sequences: EventSequencesTable;
  processed_events: ProcessedEventsTable;
  dead_letters: DeadLettersTable;
  users: UsersTable;
  priorities: PrioritiesTable;
  tags: TagsTable;
  task_tags: TaskTagsTable;
  tasks: TasksTable;
  recurring_tasks: RecurringTasksTable;
}
