import {
  assertVersion,
  type CreateRecurringTaskBody,
  type FieldError,
  type RecurrencePattern,
  type RecurringTask,
  ServiceError,
  type UpdateRecurringTaskBody,
} from "@todo/contracts";
import type { Executor, RecurringTasksTable } from "@todo/db";
import { nextOccurrence, previewOccurrences, type RecurrenceRule, validateRule } from "@todo/recurrence";
import { type Selectable, sql } from "kysely";
import type { ServiceContext } from "./context.ts";
import { assertPriorityExists } from "./priorities.ts";

type TemplateRow = Selectable<RecurringTasksTable>;

export function ruleOf(row: TemplateRow): RecurrenceRule {
  return {
    pattern: row.recurrence_pattern as RecurrencePattern,
    interval: row.interval,
    weekdays: row.weekdays ?? undefined,
    cronExpression: row.cron_expression ?? undefined,
    timezone: row.timezone,
    anchor: row.anchor_at,
    endsAt: row.ends_at,
    count: row.max_occurrences,
  };
}

export function toRecurringTask(row: TemplateRow): RecurringTask {
  return {
    id: row.id,
    user_id: row.user_id,
    template_title: row.template_title,
    template_description: row.template_description,
    recurrence_pattern: row.recurrence_pattern as RecurrencePattern,
    cron_expression: row.cron_expression,
    interval: row.interval,
    weekdays: row.weekdays,
    timezone: row.timezone,
    next_occurrence: row.next_occurrence.toISOString(),
    ends_at: row.ends_at?.toISOString() ?? null,
    max_occurrences: row.max_occurrences,
    occurrences_created: row.occurrences_created,
    catch_up: row.catch_up as RecurringTask["catch_up"],
    priority_id: row.priority_id,
    is_active: row.is_active,
    version: row.version,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

type Schedule = Required<
  Pick<
    UpdateRecurringTaskBody,
    "recurrence_pattern" | "cron_expression" | "interval" | "weekdays" | "timezone"
  >
> & {
  first: Date | undefined;
  ends_at: string | null | undefined;
  max_occurrences: number | null | undefined;
};

/** Checks the rule and finds its first occurrence: the given time if it matches, else the next match. */
function planSchedule(schedule: Schedule, now: Date): { anchor: Date; next: Date } {
  const problems: FieldError[] = [];
  if (schedule.recurrence_pattern === "custom" && !schedule.cron_expression) {
    problems.push({ field: "cron_expression", message: "required for the custom pattern" });
  }
  if (schedule.recurrence_pattern !== "custom" && !schedule.first) {
    problems.push({ field: "next_occurrence", message: "required for this pattern" });
  }
  const start = schedule.first ?? now;
  const rule: RecurrenceRule = {
    pattern: schedule.recurrence_pattern!,
    interval: schedule.interval ?? 1,
    weekdays: schedule.weekdays ?? undefined,
    cronExpression: schedule.cron_expression ?? undefined,
    timezone: schedule.timezone ?? "UTC",
    anchor: start,
    endsAt: schedule.ends_at ? new Date(schedule.ends_at) : null,
    count: schedule.max_occurrences ?? null,
  };
  if (problems.length === 0) problems.push(...validateRule(rule));
  if (problems.length > 0) {
    throw new ServiceError(
      "validation_failed",
      problems.map((p) => `${p.field}: ${p.message}`).join("; "),
      problems,
    );
  }
  const next = schedule.first
    ? (previewOccurrences(rule, start, 1)[0] ?? undefined)
    : (nextOccurrence(rule, now) ?? undefined);
  if (!next) throw ServiceError.invalid("ends_at", "the rule ends before its first occurrence");
  return { anchor: next, next };
}

export async function listRecurringTasks(ctx: ServiceContext): Promise<RecurringTask[]> {
  const rows = await ctx.db
    .selectFrom("recurring_tasks")
    .selectAll()
    .where("user_id", "=", ctx.userId)
    .orderBy("id")
    .execute();
  return rows.map(toRecurringTask);
}

export async function getRecurringTask(ctx: ServiceContext, id: number): Promise<RecurringTask> {
  return toRecurringTask(await findTemplate(ctx.db, ctx.userId, id));
}

export async function createRecurringTask(
  ctx: ServiceContext,
  input: CreateRecurringTaskBody,
  now = new Date(),
): Promise<RecurringTask> {
  const { anchor, next } = planSchedule(
    {
      recurrence_pattern: input.recurrence_pattern,
      cron_expression: input.cron_expression ?? null,
      interval: input.interval ?? 1,
      weekdays: input.weekdays ?? null,
      timezone: input.timezone ?? "UTC",
      first: input.next_occurrence ? new Date(input.next_occurrence) : undefined,
      ends_at: input.ends_at,
      max_occurrences: input.max_occurrences,
    },
    now,
  );
  if (input.priority_id !== undefined) await assertPriorityExists(ctx.db, input.priority_id);
  const row = await ctx.db
    .insertInto("recurring_tasks")
    .values({
      user_id: ctx.userId,
      template_title: input.template_title,
      template_description: input.template_description ?? null,
      recurrence_pattern: input.recurrence_pattern,
      cron_expression: input.recurrence_pattern === "custom" ? (input.cron_expression ?? null) : null,
      interval: input.interval ?? 1,
      weekdays: input.recurrence_pattern === "weekly" ? (input.weekdays ?? null) : null,
      timezone: input.timezone ?? "UTC",
      anchor_at: anchor,
      next_occurrence: next,
      ends_at: input.ends_at ?? null,
      max_occurrences: input.max_occurrences ?? null,
      ...(input.catch_up ? { catch_up: input.catch_up } : {}),
      ...(input.priority_id !== undefined ? { priority_id: input.priority_id } : {}),
      ...(input.is_active !== undefined ? { is_active: input.is_active } : {}),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toRecurringTask(row);
}

const scheduleFields = [
  "recurrence_pattern",
  "cron_expression",
  "interval",
  "weekdays",
  "timezone",
  "next_occurrence",
  "ends_at",
  "max_occurrences",
] as const;

export async function updateRecurringTask(
  ctx: ServiceContext,
  id: number,
  patch: UpdateRecurringTaskBody,
  now = new Date(),
): Promise<RecurringTask> {
  const current = await findTemplate(ctx.db, ctx.userId, id);
  assertVersion("recurring task", current.version, ctx.ifMatch);
  if (patch.priority_id !== undefined) await assertPriorityExists(ctx.db, patch.priority_id);
  const pattern = patch.recurrence_pattern ?? (current.recurrence_pattern as RecurrencePattern);
  const scheduleChanged = scheduleFields.some((f) => patch[f] !== undefined);
  let schedule: { anchor_at: Date; next_occurrence: Date } | object = {};
  if (scheduleChanged) {
    const cron = patch.cron_expression !== undefined ? patch.cron_expression : current.cron_expression;
    const weekdays = patch.weekdays !== undefined ? patch.weekdays : current.weekdays;
    const planned = planSchedule(
      {
        recurrence_pattern: pattern,
        cron_expression: pattern === "custom" ? cron : null,
        interval: patch.interval ?? current.interval,
        weekdays: pattern === "weekly" ? weekdays : null,
        timezone: patch.timezone ?? current.timezone,
        // A changed rule restarts from the given time, else from the occurrence that was next.
        first: patch.next_occurrence
          ? new Date(patch.next_occurrence)
          : pattern === "custom"
            ? undefined
            : current.next_occurrence,
        ends_at: patch.ends_at !== undefined ? patch.ends_at : current.ends_at?.toISOString(),
        max_occurrences:
          patch.max_occurrences !== undefined ? patch.max_occurrences : current.max_occurrences,
      },
      now,
    );
    schedule = {
      anchor_at: planned.anchor,
      next_occurrence: planned.next,
      recurrence_pattern: pattern,
      cron_expression: pattern === "custom" ? cron : null,
      weekdays: pattern === "weekly" ? weekdays : null,
      ...(patch.interval !== undefined ? { interval: patch.interval } : {}),
      ...(patch.timezone !== undefined ? { timezone: patch.timezone } : {}),
      ...(patch.ends_at !== undefined ? { ends_at: patch.ends_at } : {}),
      ...(patch.max_occurrences !== undefined ? { max_occurrences: patch.max_occurrences } : {}),
      // The count restarts with the new anchor.
      occurrences_created: 0,
    };
  }
  const row = await ctx.db
    .updateTable("recurring_tasks")
    .set({
      ...schedule,
      ...(patch.template_title !== undefined ? { template_title: patch.template_title } : {}),
      ...(patch.template_description !== undefined
        ? { template_description: patch.template_description }
        : {}),
      ...(patch.catch_up !== undefined ? { catch_up: patch.catch_up } : {}),
      ...(patch.priority_id !== undefined ? { priority_id: patch.priority_id } : {}),
      ...(patch.is_active !== undefined ? { is_active: patch.is_active } : {}),
      updated_at: sql`now()`,
      version: sql`version + 1`,
    })
    .where("id", "=", id)
    .where("user_id", "=", ctx.userId)
    .$if(ctx.ifMatch !== undefined, (qb) => qb.where("version", "=", current.version))
    .returningAll()
    .executeTakeFirst();
  if (!row) return changedMeanwhile(ctx, id);
  return toRecurringTask(row);
}

export async function deleteRecurringTask(ctx: ServiceContext, id: number): Promise<void> {
  const result = await ctx.db
    .deleteFrom("recurring_tasks")
    .where("user_id", "=", ctx.userId)
    .where("id", "=", id)
    .$if(ctx.ifMatch !== undefined, (qb) => qb.where("version", "=", ctx.ifMatch!))
    .executeTakeFirst();
  if (result.numDeletedRows === 0n) await changedMeanwhile(ctx, id);
}

/** A guarded write that matched no row: the template is gone (404) or at another version (412). */
async function changedMeanwhile(ctx: ServiceContext, id: number): Promise<never> {
  const now = await findTemplate(ctx.db, ctx.userId, id);
  throw ServiceError.preconditionFailed("recurring task", now.version);
}

/** The next `count` occurrences, starting with `next_occurrence`. */
export async function previewRecurringTask(
  ctx: ServiceContext,
  id: number,
  count: number,
): Promise<string[]> {
  const row = await findTemplate(ctx.db, ctx.userId, id);
  return previewOccurrences(ruleOf(row), row.next_occurrence, count).map((d) => d.toISOString());
}

async function findTemplate(db: Executor, userId: string, id: number): Promise<TemplateRow> {
  const row = await db
    .selectFrom("recurring_tasks")
    .selectAll()
    .where("user_id", "=", userId)
    .where("id", "=", id)
    .executeTakeFirst();
  if (!row) throw ServiceError.notFound("recurring task");
  return row;
}
