import {
  assertVersion,
  type CreateTaskBody,
  ServiceError,
  type TagSummary,
  type Task,
  type UpdateTaskBody,
} from "@todo/contracts";
import type { Database } from "@todo/db";
import { type Executor, withTransaction } from "@todo/db";
import { recordEvent, taskEventSql, taskSequenceSql } from "@todo/events";
import { sql, type Transaction } from "kysely";
import type { ServiceContext } from "./context.ts";
import { assertPriorityExists } from "./priorities.ts";
import { followCompletedInstance } from "./recurring-instances.ts";
import { nextReminderAt } from "./reminders.ts";
import { isoTime, loadTask, tagsJsonOf, taskJson } from "./task-snapshot.ts";

export async function getTask(ctx: ServiceContext, id: number): Promise<Task> {
  const task = await loadTask(ctx.db, ctx.userId, id);
  if (!task) throw ServiceError.notFound("task");
  return task;
}

/**
 * Creates the caller's task with its tags and its task.created event in one statement (so one
 * round trip, atomic without a transaction around it): insertTask. It inserts nothing unless the
 * priority exists and every tag is the caller's; only then are they looked up one by one, to say
 * which is unknown (400 invalid_reference).
 */
export async function createTask(ctx: ServiceContext, input: CreateTaskBody): Promise<Task> {
  const task = await insertTask(ctx, input);
  if (task) return task;
  if (input.priority_id !== undefined) await assertPriorityExists(ctx.db, input.priority_id);
  if (input.tag_ids?.length) await ownedTags(ctx.db, ctx.userId, input.tag_ids);
  throw new Error("the task was not inserted, yet its priority and tags exist");
}

/**
 * One statement: the caller's tags among `tag_ids` (`owned`), the task inserted only if all of
 * them are and the priority exists (`t`), its task_tags rows (`linked`), the task in the API's
 * shape with those tags (`j`; the statement cannot see the task_tags rows it writes), its event's
 * sequence number (`seq`) and its outbox row (`ev`, the payload recordEvent would write). Answers
 * undefined when nothing was inserted (then nothing was written at all).
 */
async function insertTask(ctx: ServiceContext, input: CreateTaskBody): Promise<Task | undefined> {
  const { userId } = ctx;
  const tagIds = input.tag_ids ?? [];
  const values: Record<string, unknown> = {
    user_id: userId,
    title: input.title,
    description: input.description ?? null,
    due_date: input.due_date ?? null,
    reminder_offsets_minutes: input.reminder_offsets_minutes ?? null,
    next_reminder_at: nextReminderAt(
      input.due_date ? new Date(input.due_date) : null,
      input.reminder_offsets_minutes ?? null,
      new Date(),
    ),
    // Left out, the column's default priority.
    ...(input.priority_id !== undefined ? { priority_id: input.priority_id } : {}),
  };
  const columns = Object.keys(values) as (keyof Database["tasks"] & string)[];
  const row = await ctx.db
    .with("owned", (db) =>
      db
        .selectFrom("tags")
        .select(["id", "name", "color"])
        .where("user_id", "=", userId)
        .where("id", "=", sql<number>`any(${tagIds})`),
    )
    .with("t", (db) =>
      db
        .insertInto("tasks")
        .columns(columns)
        .expression(
          db
            .selectNoFrom(columns.map((column) => sql`${values[column]}`.as(column)))
            .where(sql<boolean>`(SELECT count(*) FROM owned) = ${tagIds.length}`)
            .$if(input.priority_id !== undefined, (qb) =>
              qb.where(sql<boolean>`EXISTS (SELECT 1 FROM priorities WHERE id = ${input.priority_id})`),
            ),
        )
        .returningAll(),
    )
    .with("linked", (db) =>
      db
        .insertInto("task_tags")
        .columns(["task_id", "tag_id"])
        .expression(db.selectFrom(["t", "owned"]).select(["t.id as task_id", "owned.id as tag_id"])),
    )
    .with("j", (db) =>
      db
        .selectFrom("t")
        .innerJoin("priorities as p", "p.id", "t.priority_id")
        .select([
          "t.id",
          "t.user_id",
          taskJson(ownedTagsJson).as("task"),
          isoTime("t.created_at").as("timestamp"),
        ]),
    )
    .with("seq", () => taskSequenceSql("j"))
    .with("ev", () => taskEventSql({ event_type: "task.created", source: ctx.source }, "j", "seq"))
    .selectFrom("j")
    .select("j.task")
    .executeTakeFirst();
  return row?.task;
}

/** The `owned` tags of insertTask as taskJson's `tags`. */
const ownedTagsJson = tagsJsonOf(sql`SELECT id, name, color FROM owned`);

export async function updateTask(ctx: ServiceContext, id: number, patch: UpdateTaskBody): Promise<Task> {
  return withTransaction(ctx.db, async (tx) => {
    const current = await lockTask(tx, ctx.userId, id);
    assertVersion("task", current.version, ctx.ifMatch);
    const before = (await loadTask(tx, ctx.userId, id))!;
    if (patch.priority_id !== undefined) await assertPriorityExists(tx, patch.priority_id);
    if (patch.tag_ids?.length) await assertTagsOwned(tx, ctx.userId, patch.tag_ids);
    // As for completion and templates: what the task already holds, sent again, writes nothing.
    if (changesNothing(before, patch)) return before;
    const completed = patch.completed ?? current.completed;
    const dueDate =
      patch.due_date !== undefined ? (patch.due_date ? new Date(patch.due_date) : null) : current.due_date;
    const offsets =
      patch.reminder_offsets_minutes !== undefined
        ? patch.reminder_offsets_minutes
        : current.reminder_offsets_minutes;
    // A new due date or new offsets re-arm the reminders; so does reopening a task.
    const rearm =
      patch.due_date !== undefined ||
      patch.reminder_offsets_minutes !== undefined ||
      completed !== current.completed;
    // Tags first: the update's RETURNING reads them in the task's shape.
    if (patch.tag_ids !== undefined) await replaceTags(tx, id, patch.tag_ids);
    const { task } = await tx
      .with("t", (db) =>
        db
          .updateTable("tasks")
          .set({
            ...(patch.title !== undefined ? { title: patch.title } : {}),
            ...(patch.description !== undefined ? { description: patch.description } : {}),
            ...(patch.priority_id !== undefined ? { priority_id: patch.priority_id } : {}),
            ...(patch.due_date !== undefined ? { due_date: patch.due_date } : {}),
            ...(patch.reminder_offsets_minutes !== undefined
              ? { reminder_offsets_minutes: patch.reminder_offsets_minutes }
              : {}),
            ...(completed !== current.completed
              ? { completed, completed_at: completed ? new Date() : null }
              : {}),
            ...(rearm
              ? { next_reminder_at: completed ? null : nextReminderAt(dueDate, offsets, new Date()) }
              : {}),
            updated_at: sql`now()`,
            version: sql`version + 1`,
          })
          .where("id", "=", id)
          .returningAll(),
      )
      .selectFrom("t")
      .innerJoin("priorities as p", "p.id", "t.priority_id")
      .select(taskJson().as("task"))
      .executeTakeFirstOrThrow();
    await recordUpdateEvents(tx, ctx, before, task);
    // In the same transaction as the completion: the next instance of a series that repeats from
    // completion exists exactly when this completion committed.
    if (completed && !current.completed)
      await followCompletedInstance(tx, current, new Date(task.completed_at!));
    return task;
  });
}

/**
 * True when every field the patch gives already has that value in the task: then the update
 * writes nothing, so the version goes up exactly when an event is written (a PUT of the tags the
 * task has, of what GET returned, or a client's retry). Compared strictly: due dates as instants,
 * tags as sets, anything else as given (offsets in another order count as a change).
 */
function changesNothing(before: Task, patch: UpdateTaskBody): boolean {
  const same = (given: unknown, held: unknown) =>
    given === undefined || JSON.stringify(given) === JSON.stringify(held);
  const sorted = (ids: number[]) => [...ids].sort((a, b) => a - b);
  const dueSame =
    patch.due_date === undefined ||
    (patch.due_date === null
      ? before.due_date === null
      : before.due_date !== null && Date.parse(patch.due_date) === Date.parse(before.due_date));
  return (
    dueSame &&
    same(patch.title, before.title) &&
    same(patch.description, before.description) &&
    same(patch.priority_id, before.priority_id) &&
    same(patch.reminder_offsets_minutes, before.reminder_offsets_minutes) &&
    same(patch.completed, before.completed) &&
    same(patch.tag_ids && sorted(patch.tag_ids), sorted(before.tags.map((t) => t.id)))
  );
}

const trackedFields = [
  "title",
  "description",
  "priority_id",
  "due_date",
  "reminder_offsets_minutes",
  "completed",
] as const;

/** Completing a task is task.completed; any other change (reopening included) is task.updated. */
async function recordUpdateEvents(
  tx: Executor,
  ctx: ServiceContext,
  before: Task,
  after: Task,
): Promise<void> {
  const changed: string[] = trackedFields.filter(
    (f) => JSON.stringify(before[f]) !== JSON.stringify(after[f]),
  );
  const tagIds = (t: Task) => t.tags.map((g) => g.id).join(",");
  if (tagIds(before) !== tagIds(after)) changed.push("tag_ids");
  const common = { task_id: after.id, user_id: ctx.userId, ...(ctx.source ? { source: ctx.source } : {}) };
  if (!before.completed && after.completed) {
    await recordEvent(tx, { ...common, event_type: "task.completed", data: { task: after } });
    changed.splice(changed.indexOf("completed"), 1);
  }
  if (changed.length > 0) {
    await recordEvent(tx, {
      ...common,
      event_type: "task.updated",
      data: { task: after, changed_fields: changed, previous: previousValues(before, changed) },
    });
  }
}

/** The changed fields' values before the change (task.updated `previous`, schema version 2). */
function previousValues(before: Task, changed: readonly string[]): Record<string, unknown> {
  const previous: Record<string, unknown> = {};
  for (const field of changed) {
    if (field === "tag_ids") previous.tags = before.tags;
    else {
      previous[field] = before[field as (typeof trackedFields)[number]];
      if (field === "priority_id") previous.priority = before.priority;
    }
  }
  return previous;
}

/**
 * PATCH …/complete: sets the completion state asked for, or flips it when none is given (the
 * seed's toggle). Asking for the state the task already has changes nothing (no new version, no
 * event), so a double click or a retry of {"completed": true} completes the task once.
 */
export async function setTaskCompletion(ctx: ServiceContext, id: number, completed?: boolean): Promise<Task> {
  return withTransaction(ctx.db, async (tx) => {
    const current = await lockTask(tx, ctx.userId, id);
    assertVersion("task", current.version, ctx.ifMatch);
    const wanted = completed ?? !current.completed;
    if (wanted === current.completed) return (await loadTask(tx, ctx.userId, id))!;
    return updateTask({ ...ctx, db: tx }, id, { completed: wanted });
  });
}

export async function deleteTask(ctx: ServiceContext, id: number): Promise<Task> {
  return withTransaction(ctx.db, async (tx) => {
    const current = await lockTask(tx, ctx.userId, id);
    assertVersion("task", current.version, ctx.ifMatch);
    const snapshot = (await loadTask(tx, ctx.userId, id))!;
    await tx.deleteFrom("tasks").where("id", "=", id).execute();
    await recordEvent(tx, {
      event_type: "task.deleted",
      task_id: id,
      user_id: ctx.userId,
      data: { task: snapshot },
      ...(ctx.source ? { source: ctx.source } : {}),
    });
    return snapshot;
  });
}

async function lockTask(tx: Transaction<Database>, userId: string, id: number) {
  const row = await tx
    .selectFrom("tasks")
    .selectAll()
    .where("user_id", "=", userId)
    .where("id", "=", id)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw ServiceError.notFound("task");
  return row;
}

// Another user's tag gets the same answer as a missing one, so ids reveal nothing.
async function assertTagsOwned(db: Executor, userId: string, tagIds: number[]): Promise<void> {
  await ownedTags(db, userId, tagIds);
}

/** The caller's tags of these ids, by name (as a task shows them); any other id is a 400. */
async function ownedTags(db: Executor, userId: string, tagIds: number[]): Promise<TagSummary[]> {
  const owned = await db
    .selectFrom("tags")
    .select(["id", "name", "color"])
    .where("user_id", "=", userId)
    .where("id", "=", sql<number>`any(${tagIds})`)
    .orderBy("name")
    .execute();
  if (owned.length !== tagIds.length) {
    const ownedIds = new Set(owned.map((t) => t.id));
    const unknown = tagIds.filter((id) => !ownedIds.has(id));
    throw ServiceError.invalid("tag_ids", `no tag with id ${unknown.join(", ")}`, "invalid_reference");
  }
  return owned;
}

async function replaceTags(tx: Transaction<Database>, taskId: number, tagIds: number[]): Promise<void> {
  await tx.deleteFrom("task_tags").where("task_id", "=", taskId).execute();
  if (tagIds.length === 0) return;
  await tx
    .insertInto("task_tags")
    .values(tagIds.map((tag_id) => ({ task_id: taskId, tag_id })))
    .execute();
}
