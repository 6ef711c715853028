import {
  assertVersion,
  type CreateTaskBody,
  decodeCursor,
  encodeCursor,
  type ListTasksQuery,
  ServiceError,
  type TagSummary,
  type Task,
  type UpdateTaskBody,
} from "@todo/contracts";
import type { Database } from "@todo/db";
import {
  afterKeys,
  CUSTOM_PLAN,
  cursorValues,
  type Executor,
  orderByKeys,
  type SortKey,
  withTransaction,
} from "@todo/db";
import { recordEvent } from "@todo/events";
import { type RawBuilder, sql, type Transaction } from "kysely";
import type { ServiceContext } from "./context.ts";
import { assertPriorityExists } from "./priorities.ts";
import { followCompletedInstance } from "./recurring-instances.ts";
import { nextReminderAt } from "./reminders.ts";
import { loadTask, selectTasksWithPriority, toTask } from "./task-snapshot.ts";

export async function getTask(ctx: ServiceContext, id: number): Promise<Task> {
  const task = await loadTask(ctx.db, ctx.userId, id);
  if (!task) throw ServiceError.notFound("task");
  return task;
}

export async function createTask(ctx: ServiceContext, input: CreateTaskBody): Promise<Task> {
  return withTransaction(ctx.db, async (tx) => {
    if (input.priority_id !== undefined) await assertPriorityExists(tx, input.priority_id);
    const tags = input.tag_ids?.length ? await ownedTags(tx, ctx.userId, input.tag_ids) : [];
    // Inserted and read back with its priority in one statement; its tags are the ones just checked.
    const { p_id, p_name, p_level, p_color, ...row } = await tx
      .with("t", (db) =>
        db
          .insertInto("tasks")
          .values({
            user_id: ctx.userId,
            title: input.title,
            description: input.description ?? null,
            due_date: input.due_date ?? null,
            reminder_offsets_minutes: input.reminder_offsets_minutes ?? null,
            next_reminder_at: nextReminderAt(
              input.due_date ? new Date(input.due_date) : null,
              input.reminder_offsets_minutes ?? null,
              new Date(),
            ),
            ...(input.priority_id !== undefined ? { priority_id: input.priority_id } : {}),
          })
          .returningAll(),
      )
      .selectFrom("t")
      .innerJoin("priorities as p", "p.id", "t.priority_id")
      .selectAll("t")
      .select(["p.id as p_id", "p.name as p_name", "p.level as p_level", "p.color as p_color"])
      .executeTakeFirstOrThrow();
    if (tags.length > 0) {
      await tx
        .insertInto("task_tags")
        .values(tags.map((tag) => ({ task_id: row.id, tag_id: tag.id })))
        .execute();
    }
    const task = toTask(row, { id: p_id, name: p_name, level: p_level, color: p_color }, tags);
    await recordEvent(tx, {
      event_type: "task.created",
      task_id: task.id,
      user_id: ctx.userId,
      data: { task },
      ...(ctx.source ? { source: ctx.source } : {}),
    });
    return task;
  });
}

export async function updateTask(ctx: ServiceContext, id: number, patch: UpdateTaskBody): Promise<Task> {
  return withTransaction(ctx.db, async (tx) => {
    const current = await lockTask(tx, ctx.userId, id);
    assertVersion("task", current.version, ctx.ifMatch);
    const before = (await loadTask(tx, ctx.userId, id))!;
    if (patch.priority_id !== undefined) await assertPriorityExists(tx, patch.priority_id);
    if (patch.tag_ids?.length) await assertTagsOwned(tx, ctx.userId, patch.tag_ids);
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
    await tx
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
      .execute();
    if (patch.tag_ids !== undefined) await replaceTags(tx, id, patch.tag_ids);
    const task = (await loadTask(tx, ctx.userId, id))!;
    await recordUpdateEvents(tx, ctx, before, task);
    // In the same transaction as the completion: the next instance of a series that repeats from
    // completion exists exactly when this completion committed.
    if (completed && !current.completed)
      await followCompletedInstance(tx, current, new Date(task.completed_at!));
    return task;
  });
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
      data: { task: after, changed_fields: changed },
    });
  }
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

/**
 * One page of the caller's tasks as the API's JSON text (a TaskList), built by the database: the
 * list route sends it as it is.
 */
export async function listTasksJson(ctx: ServiceContext, query: ListTasksQuery): Promise<string> {
  let filtered = selectTasksWithPriority(ctx.db).where("t.user_id", "=", ctx.userId);
  if (query.status) filtered = filtered.where("t.completed", "=", query.status === "completed");
  if (query.priority_id !== undefined) filtered = filtered.where("t.priority_id", "=", query.priority_id);
  if (query.recurring_task_id !== undefined) {
    filtered = filtered.where("t.recurring_task_id", "=", query.recurring_task_id);
  }
  if (query.due_before) filtered = filtered.where("t.due_date", "<", new Date(query.due_before));
  if (query.due_after) filtered = filtered.where("t.due_date", ">", new Date(query.due_after));
  if (query.tag_id !== undefined) {
    const tagId = query.tag_id;
    filtered = filtered.where(({ exists, selectFrom }) =>
      exists(
        selectFrom("task_tags as tt")
          .select("tt.task_id")
          .whereRef("tt.task_id", "=", "t.id")
          .where("tt.tag_id", "=", tagId),
      ),
    );
  }
  if (query.search) {
    // Case and accents folded on both sides (fold_text: unaccent + lower), so "cafe" finds "Café".
    // A user with few tasks is searched from their own rows (strpos cannot use the global trigram
    // index, so the plan starts from the user's index); a user with many takes the trigram index.
    const few = await hasFewTasks(ctx);
    if (few) {
      filtered = filtered.where(sql<boolean>`strpos(t.search_text, fold_text(${query.search})) > 0`);
    } else {
      // Planned for each pattern: a plan made without knowing it would take the trigram index even
      // for a word in every title.
      const escaped = query.search.replace(/[\\%_]/g, (c) => `\\${c}`);
      filtered = filtered.where(
        sql<boolean>`${sql.raw(CUSTOM_PLAN)} t.search_text LIKE ('%' || fold_text(${escaped}) || '%')`,
      );
    }
  }

  const order =
    query.order ?? (query.sort === "created_at" ? "desc" : query.sort === "priority" ? "desc" : "asc");
  const keys = taskSortKeys(query.sort, order);
  const scope = `tasks:${query.sort}:${order}`;
  const after = query.cursor ? decodeCursor(scope, query.cursor, keys.length) : undefined;
  const orderBy = orderByKeys(keys);

  // One statement: the page, the total (a window over every filtered row), the rows left from the
  // cursor on, each row's tags (looked up only for the rows of the page), and the page already as
  // JSON, in the API's shape: nothing is parsed into objects here only to be serialized again.
  // Only the columns the page shows: the rows are sorted whole, and search_text is wide.
  const inner = filtered
    .clearSelect()
    .select([
      "t.id",
      "t.user_id",
      "t.title",
      "t.description",
      "t.completed",
      "t.completed_at",
      "t.due_date",
      "t.priority_id",
      "t.recurring_task_id",
      "t.reminder_offsets_minutes",
      "t.version",
      "t.created_at",
      "t.updated_at",
      "p.id as p_id",
      "p.name as p_name",
      "p.level as p_level",
      "p.color as p_color",
      sql<number>`count(*) OVER ()`.as("total"),
      ...sortColumns(query.sort).map((expr, i) => expr.as(`k${i}`)),
    ]);
  const page = ctx.db
    .selectFrom(inner.as("t"))
    .selectAll("t")
    .select([
      sql<number>`row_number() OVER (ORDER BY ${orderBy})`.as("ord"),
      sql<number>`count(*) OVER ()`.as("remaining"),
    ])
    .$if(after !== undefined, (qb) => qb.where(afterKeys(keys, after!)))
    .orderBy(sql`${orderBy}`)
    .limit(query.limit)
    .offset(after !== undefined ? 0 : query.offset);
  const row = await ctx.db
    .selectFrom(page.as("t"))
    .select([
      sql<string | null>`array_to_json(array_agg((SELECT row_to_json(x) FROM (SELECT
        t.id, t.user_id, t.title, t.description, t.completed,
        ${isoTime(sql.ref("t.completed_at"))} AS completed_at, ${isoTime(sql.ref("t.due_date"))} AS due_date,
        t.priority_id,
        (SELECT row_to_json(pr) FROM (SELECT t.p_id AS id, t.p_name AS name, t.p_level AS level, t.p_color AS color) pr) AS priority,
        coalesce((SELECT array_to_json(array_agg(row_to_json(g) ORDER BY g.name)) FROM (
          SELECT g.id, g.name, g.color FROM task_tags tt JOIN tags g ON g.id = tt.tag_id WHERE tt.task_id = t.id) g),
          '[]'::json) AS tags,
        t.recurring_task_id, t.reminder_offsets_minutes, t.version,
        ${isoTime(sql.ref("t.created_at"))} AS created_at, ${isoTime(sql.ref("t.updated_at"))} AS updated_at
      ) x) ORDER BY t.ord))::text`.as("items"),
      sql<number | null>`max(t.total)`.as("total"),
      sql<number | null>`max(t.remaining)`.as("remaining"),
      sql<unknown[] | null>`(array_agg(${cursorValues(keys)} ORDER BY t.ord DESC))[1]`.as("last"),
      sql<number>`count(*)::int`.as("rows"),
    ])
    .executeTakeFirstOrThrow();
  // Past the last page there is no row to carry the total.
  const total = Number(
    row.total ??
      (await filtered.clearSelect().select(sql<number>`count(*)::int`.as("total")).executeTakeFirstOrThrow())
        .total,
  );
  const offset = after !== undefined ? 0 : query.offset;
  const nextOffset = offset + row.rows;
  const more = row.rows > 0 && Number(row.remaining) > row.rows + (after !== undefined ? 0 : query.offset);
  const pageInfo = {
    limit: query.limit,
    offset,
    total,
    next_offset: after === undefined && nextOffset < total ? nextOffset : null,
    next_cursor: more && row.last ? encodeCursor(scope, row.last) : null,
  };
  return `{"items":${row.items ?? "[]"},"page":${JSON.stringify(pageInfo)}}`;
}

/**
 * The order of each sort, ending with the id so it is total. sort=title orders by the folded title
 * (fold_text: accents removed, lower case, then byte order), so "Éclair" sorts with "eclair", the
 * same on PGlite and on any PostgreSQL server whatever its locale.
 */
function taskSortKeys(sort: ListTasksQuery["sort"], order: "asc" | "desc"): SortKey[] {
  const id: SortKey = { column: "t.id", dir: order, type: "integer" };
  switch (sort) {
    case "due_date":
      return [{ column: "t.k0", dir: order, type: "timestamptz", nullable: true }, id];
    case "priority":
      return [
        { column: "t.k0", dir: order, type: "integer" },
        { column: "t.k1", dir: "asc", type: "timestamptz", nullable: true },
        id,
      ];
    case "title":
      return [{ column: "t.k0", dir: order, type: "text" }, id];
    default:
      return [{ column: "t.k0", dir: order, type: "timestamptz" }, id];
  }
}

/** The sort key expressions, exposed as k0, k1 by the inner query. */
function sortColumns(sort: ListTasksQuery["sort"]): RawBuilder<unknown>[] {
  switch (sort) {
    case "due_date":
      return [sql`t.due_date`];
    case "priority":
      return [sql`p.level`, sql`t.due_date`];
    case "title":
      return [sql`t.title_key`];
    default:
      return [sql`t.created_at`];
  }
}

/** Up to this many tasks a search reads the user's own rows rather than the global trigram index. */
const FEW_TASKS = 5000;

async function hasFewTasks(ctx: ServiceContext): Promise<boolean> {
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM (SELECT 1 FROM tasks WHERE user_id = ${ctx.userId} LIMIT ${FEW_TASKS + 1}) x`.execute(
    ctx.db,
  );
  return (rows[0]?.n ?? 0) <= FEW_TASKS;
}

/** A timestamp as JavaScript's toISOString writes it (UTC, milliseconds), or null. */
function isoTime(column: RawBuilder<unknown>) {
  return sql`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
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
