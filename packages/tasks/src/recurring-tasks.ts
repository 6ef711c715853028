import {
  assertVersion,
  type CreateRecurringTaskBody,
  type FieldError,
  type RecurrencePattern,
  type RecurringTask,
  ServiceError,
  type UpdateRecurringTaskBody,
} from "@todo/contracts";
import { type Executor, type RecurringTasksTable, withTransaction } from "@todo/db";
import { nextOccurrence, previewOccurrences, type RecurrenceRule, validateRule } from "@todo/recurrence";
import { type Selectable, sql, type Updateable } from "kysely";
import type { ServiceContext } from "./context.ts";
import { assertPriorityExists } from "./priorities.ts";
import { resumeCompletionSeries } from "./recurring-instances.ts";

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
    count: row.max_occurrences === null ? null : row.max_occurrences - row.count_before_anchor,
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
    anchor_at: row.anchor_at.toISOString(),
    next_occurrence: row.next_occurrence.toISOString(),
    ends_at: row.ends_at?.toISOString() ?? null,
    max_occurrences: row.max_occurrences,
    occurrences_created: row.occurrences_created,
    catch_up: row.catch_up as RecurringTask["catch_up"],
    priority_id: row.priority_id,
    is_active: row.is_active,
    repeat_from: row.repeat_from as RecurringTask["repeat_from"],
    reminder_offsets_minutes: row.reminder_offsets_minutes,
    lead_time_minutes: row.lead_time_minutes,
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
  /** Occurrences the rule may still make from `first` (the engine counts from its anchor). */
  count: number | null | undefined;
};

function invalid(problems: FieldError[]): ServiceError {
  return new ServiceError(
    "validation_failed",
    problems.map((p) => `${p.field}: ${p.message}`).join("; "),
    problems,
  );
}

/** Checks the rule and finds its first occurrence: the given time if it matches, else the next match. */
function planSchedule(schedule: Schedule, now: Date): { anchor: Date; next: Date } {
  const problems: FieldError[] = [];
  if (schedule.recurrence_pattern === "custom" && !schedule.cron_expression) {
    problems.push({ field: "cron_expression", message: "required for the custom pattern" });
  }
  if (schedule.recurrence_pattern !== "custom" && !schedule.first) {
    problems.push({ field: "next_occurrence", message: "required for this pattern" });
  }
  if (schedule.count !== null && schedule.count !== undefined && schedule.count < 1) {
    problems.push({ field: "max_occurrences", message: "the series has made that many instances already" });
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
    count: schedule.count ?? null,
  };
  if (problems.length === 0) problems.push(...validateRule(rule));
  if (problems.length > 0) throw invalid(problems);
  const next = schedule.first
    ? (previewOccurrences(rule, start, 1)[0] ?? undefined)
    : (nextOccurrence(rule, now) ?? undefined);
  if (!next) throw ServiceError.invalid("ends_at", "the rule ends before its first occurrence");
  return { anchor: next, next };
}

/** Active templates one user may have unless configured otherwise (MAX_ACTIVE_RECURRING_TASKS). */
export const DEFAULT_MAX_ACTIVE_TEMPLATES = 100;

export interface TemplateLimits {
  /** Active templates per user; creating or resuming one more answers 422 limit_exceeded. */
  maxActiveTemplates?: number;
}

/**
 * Refuses a new active template past the user's cap. The user's row is locked first, so two
 * requests at once cannot both take the last place.
 */
async function assertActiveTemplateRoom(tx: Executor, userId: string, limits: TemplateLimits): Promise<void> {
  const max = limits.maxActiveTemplates ?? DEFAULT_MAX_ACTIVE_TEMPLATES;
  await tx.selectFrom("users").select("id").where("id", "=", userId).forUpdate().execute();
  const { n } = await tx
    .selectFrom("recurring_tasks")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("user_id", "=", userId)
    .where("is_active", "=", true)
    .executeTakeFirstOrThrow();
  if (Number(n) >= max) {
    throw ServiceError.invalid(
      "is_active",
      `at most ${max} active recurring tasks per user`,
      "limit_exceeded",
    );
  }
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
  limits: TemplateLimits = {},
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
      count: input.max_occurrences,
    },
    now,
  );
  return withTransaction(ctx.db, async (tx) => {
    if (input.priority_id !== undefined) await assertPriorityExists(tx, input.priority_id);
    if (input.is_active !== false) await assertActiveTemplateRoom(tx, ctx.userId, limits);
    const row = await tx
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
        reminder_offsets_minutes: input.reminder_offsets_minutes ?? null,
        ...(input.catch_up ? { catch_up: input.catch_up } : {}),
        ...(input.repeat_from ? { repeat_from: input.repeat_from } : {}),
        ...(input.lead_time_minutes !== undefined ? { lead_time_minutes: input.lead_time_minutes } : {}),
        ...(input.priority_id !== undefined ? { priority_id: input.priority_id } : {}),
        ...(input.is_active !== undefined ? { is_active: input.is_active } : {}),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toRecurringTask(row);
  });
}

const sameInstant = (a: string | null | undefined, b: Date | null) =>
  (a ? new Date(a).getTime() : null) === (b?.getTime() ?? null);
const sameList = (a: readonly number[] | null | undefined, b: readonly number[] | null) =>
  JSON.stringify(a ? [...a].sort((x, y) => x - y) : null) ===
  JSON.stringify(b ? [...b].sort((x, y) => x - y) : null);

/**
 * The part of a patch that differs from the template: a field sent back as GET returned it is not
 * a change. `timing` is whether the rule itself changed (pattern, interval, weekdays, cron, zone or
 * anchor), the only change that re-plans the series.
 */
function diffTemplate(current: TemplateRow, patch: UpdateRecurringTaskBody) {
  const pattern = patch.recurrence_pattern ?? (current.recurrence_pattern as RecurrencePattern);
  const cron =
    pattern === "custom"
      ? patch.cron_expression !== undefined
        ? patch.cron_expression
        : current.cron_expression
      : null;
  const weekdays =
    pattern === "weekly" ? (patch.weekdays !== undefined ? patch.weekdays : current.weekdays) : null;
  const interval = patch.interval ?? current.interval;
  const timezone = patch.timezone ?? current.timezone;
  const anchorMoved =
    patch.next_occurrence !== undefined && !sameInstant(patch.next_occurrence, current.next_occurrence);
  const timing =
    anchorMoved ||
    pattern !== current.recurrence_pattern ||
    cron !== current.cron_expression ||
    !sameList(weekdays, current.weekdays) ||
    interval !== current.interval ||
    timezone !== current.timezone;
  const differs = <K extends keyof UpdateRecurringTaskBody & keyof TemplateRow>(key: K) =>
    patch[key] !== undefined && patch[key] !== current[key];
  return {
    timing,
    rule: { pattern, cron, weekdays, interval, timezone, anchorMoved },
    endsAt: patch.ends_at !== undefined && !sameInstant(patch.ends_at, current.ends_at),
    maxOccurrences: differs("max_occurrences"),
    offsets:
      patch.reminder_offsets_minutes !== undefined &&
      JSON.stringify(patch.reminder_offsets_minutes) !== JSON.stringify(current.reminder_offsets_minutes),
    plain: (
      [
        "template_title",
        "template_description",
        "catch_up",
        "priority_id",
        "repeat_from",
        "lead_time_minutes",
      ] as const
    ).filter(differs),
    resumed: patch.is_active === true && !current.is_active,
    paused: patch.is_active === false && current.is_active,
  };
}

/**
 * Applies the fields of `patch` that differ from the template (see UpdateRecurringTaskBody).
 * - A timing change re-plans: the new anchor is `next_occurrence` when given, else the occurrence
 *   that was next (for cron, the first match after now); instances made so far still count
 *   towards `max_occurrences`.
 * - `ends_at` or `max_occurrences` alone keep the anchor and the count; 400 when the series would
 *   end before its next occurrence.
 * - Resuming (`is_active` false → true) starts from the first occurrence at or after now, skipping
 *   those that fell inside the pause, unless `create_missed` is true. 422 limit_exceeded past the
 *   user's cap of active templates.
 * A patch that changes nothing writes nothing (updated_at stays).
 */
export async function updateRecurringTask(
  ctx: ServiceContext,
  id: number,
  patch: UpdateRecurringTaskBody,
  now = new Date(),
  limits: TemplateLimits = {},
): Promise<RecurringTask> {
  return withTransaction(ctx.db, async (tx) => {
    const current = await findTemplate(tx, ctx.userId, id, true);
    assertVersion("recurring task", current.version, ctx.ifMatch);
    const diff = diffTemplate(current, patch);
    if (patch.priority_id !== undefined && diff.plain.includes("priority_id"))
      await assertPriorityExists(tx, patch.priority_id);
    const endsAt = patch.ends_at !== undefined ? patch.ends_at : (current.ends_at?.toISOString() ?? null);
    const maxOccurrences =
      patch.max_occurrences !== undefined ? patch.max_occurrences : current.max_occurrences;
    let schedule: Updateable<RecurringTasksTable> & { next_occurrence?: Date; anchor_at?: Date } = {};
    if (diff.timing || diff.endsAt || diff.maxOccurrences) {
      const { rule } = diff;
      // Instances made under the old rule still count; a new anchor starts the engine's count anew.
      const before = diff.timing ? current.occurrences_created : current.count_before_anchor;
      const planned = planSchedule(
        {
          recurrence_pattern: rule.pattern,
          cron_expression: rule.cron,
          interval: rule.interval,
          weekdays: rule.weekdays,
          timezone: rule.timezone,
          first: rule.anchorMoved
            ? new Date(patch.next_occurrence!)
            : diff.timing
              ? rule.pattern === "custom"
                ? undefined
                : current.next_occurrence
              : current.anchor_at,
          ends_at: endsAt,
          count: maxOccurrences === null ? null : maxOccurrences - before,
        },
        now,
      );
      // Without a timing change the anchor stays; only whether the next occurrence is still in the series is checked.
      const next = diff.timing
        ? planned.next
        : previewOccurrences(
            {
              ...ruleOf(current),
              endsAt: endsAt ? new Date(endsAt) : null,
              count: maxOccurrences === null ? null : maxOccurrences - before,
            },
            current.next_occurrence,
            1,
          )[0];
      if (!next)
        throw ServiceError.invalid(
          diff.endsAt ? "ends_at" : "max_occurrences",
          "the series would end before its next occurrence",
        );
      schedule = {
        ...(diff.timing
          ? {
              anchor_at: planned.anchor,
              count_before_anchor: before,
              recurrence_pattern: rule.pattern,
              cron_expression: rule.cron,
              weekdays: rule.weekdays,
              interval: rule.interval,
              timezone: rule.timezone,
            }
          : {}),
        next_occurrence: next,
        ends_at: endsAt ? new Date(endsAt) : null,
        max_occurrences: maxOccurrences,
      };
    }
    if (diff.resumed) {
      await assertActiveTemplateRoom(tx, ctx.userId, limits);
      const next = schedule.next_occurrence ?? current.next_occurrence;
      if (!patch.create_missed && next < now) {
        const resumeAt = previewOccurrences(ruleOf({ ...current, ...schedule } as TemplateRow), now, 1)[0];
        if (!resumeAt) throw ServiceError.invalid("is_active", "the series has ended");
        schedule.next_occurrence = resumeAt;
      }
    }
    const changes: Updateable<RecurringTasksTable> = {
      ...schedule,
      ...Object.fromEntries(diff.plain.map((key) => [key, patch[key]])),
      ...(diff.offsets ? { reminder_offsets_minutes: patch.reminder_offsets_minutes ?? null } : {}),
      ...(diff.resumed || diff.paused ? { is_active: patch.is_active } : {}),
    };
    if (Object.keys(changes).length === 0) return toRecurringTask(current);
    const row = await tx
      .updateTable("recurring_tasks")
      .set({ ...changes, updated_at: sql`now()`, version: sql`version + 1` })
      .where("id", "=", id)
      .where("user_id", "=", ctx.userId)
      .returningAll()
      .executeTakeFirstOrThrow();
    // Resumed, or switched to repeat from completion: a latest instance completed meanwhile makes the next one now.
    const completionNow = diff.resumed || diff.plain.includes("repeat_from");
    if (completionNow && row.is_active && row.repeat_from === "completion")
      await resumeCompletionSeries(tx, row, now);
    return toRecurringTask(row);
  });
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

async function findTemplate(db: Executor, userId: string, id: number, lock = false): Promise<TemplateRow> {
  const query = db
    .selectFrom("recurring_tasks")
    .selectAll()
    .where("user_id", "=", userId)
    .where("id", "=", id);
  const row = await (lock ? query.forUpdate() : query).executeTakeFirst();
  if (!row) throw ServiceError.notFound("recurring task");
  return row;
}
