import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import { type Database, OFF_LOOP, type RecurringTasksTable, type WorkSlices } from "@todo/db";
import { latestOccurrenceAtOrBefore, missedOccurrences, nextOccurrence } from "@todo/recurrence";
import type { Log } from "@todo/server";
import { type Kysely, type Selectable, sql, type Transaction } from "kysely";
import { createRecurringInstances } from "./recurring-instances.ts";
import { ruleOf } from "./recurring-tasks.ts";

export interface RecurringTickResult {
  templates: number;
  created: number;
  /** Seconds from each created occurrence to its commit. */
  lags: number[];
  failed: number;
  /** Whether the tick stopped at its budget with due work left (the next tick goes on). */
  exhausted: boolean;
}

/** After downtime, `all` creates at most this many missed instances per template and tick. */
export const MAX_CATCH_UP = 10;

/** Templates claimed per transaction. */
const BATCH_SIZE = 25;

/**
 * Instances per transaction at most. On PGlite (work on the event loop) a batch is also sized to
 * fit one time slice: see `BatchSizer`.
 */
export const MAX_BATCH_ROWS = 25;

/**
 * How many instances the next transaction may create. Off the event loop: MAX_BATCH_ROWS. On it
 * (PGlite: a transaction holds the one connection and the loop until it commits) as many as the
 * last batches' cost per instance lets fit in one slice of `slices.sliceMs`: it starts at 1, at
 * most doubles per batch, and shrinks at once when a batch overran (a loaded machine).
 */
class BatchSizer {
  rows: number;
  /** Milliseconds the tick's batches took (its work, not the turns it left to others). */
  workMs = 0;
  constructor(private readonly slices: WorkSlices) {
    this.rows = slices.onLoop ? 1 : MAX_BATCH_ROWS;
  }
  /** The size learnt by the database's last tick, so a tick does not start again from 1. */
  static for(slices: WorkSlices): BatchSizer {
    const sizer = new BatchSizer(slices);
    sizer.rows = learnt.get(slices) ?? sizer.rows;
    return sizer;
  }
  /** A batch of `rows` instances (at least the claim's cost: counted as 1) took `ms`. */
  observe(rows: number, ms: number): void {
    this.workMs += ms;
    if (!this.slices.onLoop) return;
    const perRow = ms / Math.max(1, rows);
    const fits = Math.floor(this.slices.sliceMs / Math.max(perRow, 0.01));
    this.rows = Math.max(1, Math.min(MAX_BATCH_ROWS, 2 * Math.max(1, rows), fits));
    learnt.set(this.slices, this.rows);
  }
}
const learnt = new WeakMap<WorkSlices, number>();

/**
 * What one tick may spend before it leaves the rest to the next: instances created and
 * milliseconds (wall time on a server; on PGlite the time of its own batches, since it leaves the
 * loop to requests between slices). Between batches the tick yields to the event loop, so
 * requests waiting on the process (and, on PGlite, on its one connection) are served between
 * batches, not after the whole backlog.
 */
export interface TickBudget {
  maxInstances: number;
  maxMs: number;
}
/** The scheduler's budget per tick. */
export const DEFAULT_TICK_BUDGET: TickBudget = { maxInstances: 200, maxMs: 200 };
export const UNLIMITED_TICK: TickBudget = {
  maxInstances: Number.POSITIVE_INFINITY,
  maxMs: Number.POSITIVE_INFINITY,
};

/** Templates are created this long before they are due at most (lead_time_minutes' upper bound). */
const MAX_LEAD_MS = 10_080 * 60_000;

/**
 * Creates the instances that are due: claim a batch of due templates with FOR UPDATE SKIP LOCKED
 * (replicas and loops never wait on each other, and never take the same template), create their
 * instances and events and advance their next_occurrence, a few statements per batch whatever its
 * size; commit once per batch. A template the recurrence engine cannot follow is skipped this tick
 * and the rest of its batch goes ahead; a batch whose statements fail is rolled back and its
 * templates are claimed again one at a time, so one bad template cannot hold up the others.
 */
export async function runRecurringTick(
  db: Kysely<Database>,
  log: Log,
  now = new Date(),
  concurrency = 1,
  budget: TickBudget = UNLIMITED_TICK,
  slices: WorkSlices = OFF_LOOP,
): Promise<RecurringTickResult> {
  const result: RecurringTickResult = { templates: 0, created: 0, lags: [], failed: 0, exhausted: false };
  const deadline = Date.now() + budget.maxMs;
  const sizer = BatchSizer.for(slices);
  // On the event loop the time budget counts the tick's own batches: the turns it leaves to
  // requests and to the relay between slices are not its work.
  const spent = () =>
    result.created >= budget.maxInstances ||
    (slices.onLoop ? sizer.workMs >= budget.maxMs : Date.now() >= deadline);
  const failedIds: number[] = [];
  // Several claim loops at once (on a server's connection pool): a burst of due templates does not
  // wait on one commit after another.
  const loops = await Promise.allSettled(
    Array.from({ length: Math.max(1, concurrency) }, () =>
      claimLoop(db, log, now, result, failedIds, spent, slices, sizer),
    ),
  );
  const failure = loops.find((l) => l.status === "rejected");
  if (failure) throw failure.reason;
  return result;
}

/** Thrown inside a batch's transaction when its writes fail: the batch rolls back. */
class BatchFailed extends Error {
  constructor(
    readonly templateIds: number[],
    override readonly cause: unknown,
  ) {
    super(`recurring templates ${templateIds.join(", ")} failed`);
  }
}

function templateFailed(
  log: Log,
  result: RecurringTickResult,
  failedIds: number[],
  id: number,
  err: unknown,
) {
  failedIds.push(id);
  result.failed += 1;
  log.error({ err, template_id: id }, "recurring template failed; skipped this tick");
}

async function claimLoop(
  db: Kysely<Database>,
  log: Log,
  now: Date,
  result: RecurringTickResult,
  failedIds: number[],
  spent: () => boolean,
  slices: WorkSlices,
  sizer: BatchSizer,
): Promise<void> {
  // Claims of one template at a time still to go after a batch failed as a whole.
  let singles = 0;
  for (;;) {
    if (spent()) {
      result.exhausted = true;
      return;
    }
    const maxRows = sizer.rows;
    const limit = singles > 0 ? 1 : Math.min(BATCH_SIZE, maxRows);
    if (singles > 0) singles -= 1;
    let batch: { claimed: number; created: { template: number; occurrences: Date[] }[] };
    const started = performance.now();
    let planned = 0;
    try {
      batch = await db.transaction().execute(async (tx) => {
        let query = tx
          .selectFrom("recurring_tasks")
          .selectAll()
          .where("is_active", "=", true)
          // Due once its lead time is reached; the plain bound keeps this a range scan of the index.
          .where("next_occurrence", "<=", new Date(now.getTime() + MAX_LEAD_MS))
          .where(sql<Date>`next_occurrence - make_interval(mins => lead_time_minutes)`, "<=", now)
          // A series that repeats from completion gets its first instance here, the rest on completion.
          .where((eb) => eb.or([eb("repeat_from", "=", "schedule"), eb("occurrences_created", "=", 0)]))
          .orderBy("next_occurrence")
          .limit(limit)
          .forUpdate()
          .skipLocked();
        if (failedIds.length > 0) query = query.where("id", "not in", failedIds);
        const templates = await query.execute();
        const plans: Plan[] = [];
        let rows = 0;
        for (const template of templates) {
          // A short transaction: past maxRows the rest are left (unlocked at the commit) for the next batch.
          if (rows >= maxRows) break;
          try {
            // Off the loop one template's catch-up may pass maxRows; on it, the slice is the bound.
            const plan = planTemplate(template, now, slices.onLoop ? maxRows - rows : MAX_CATCH_UP);
            rows += plan.due.length;
            plans.push(plan);
          } catch (error) {
            // Left as it was (its lock goes with the commit); the others go ahead.
            templateFailed(log, result, failedIds, template.id, error);
          }
        }
        planned = rows;
        try {
          return { claimed: templates.length, created: await fireBatch(tx, plans, now) };
        } catch (error) {
          throw new BatchFailed(
            plans.map((p) => p.template.id),
            error,
          );
        }
      });
    } catch (error) {
      if (!(error instanceof BatchFailed)) throw error;
      const [only, ...others] = error.templateIds;
      if (only !== undefined && others.length === 0)
        templateFailed(log, result, failedIds, only, error.cause);
      // Rare (the engine's failures are caught above): find the one at fault by claiming one at a time.
      else singles = error.templateIds.length;
      continue;
    }
    sizer.observe(planned, performance.now() - started);
    if (batch.claimed === 0) return;
    const committedAt = Date.now();
    for (const { occurrences } of batch.created) {
      result.templates += 1;
      result.created += occurrences.length;
      for (const occurrence of occurrences) result.lags.push((committedAt - occurrence.getTime()) / 1000);
    }
    // On PGlite the loop turns once the slice is spent; on a server, between every two batches.
    await (slices.onLoop ? slices.pause() : yieldToEventLoop());
  }
}

interface Plan {
  template: Selectable<RecurringTasksTable>;
  /** The occurrences to create, per its catch_up policy. */
  due: Date[];
  /** Its next occurrence afterwards; undefined when its rule has ended. */
  next: Date | undefined;
}

/**
 * What a template's turn creates and where its schedule goes next: the recurrence engine only, no
 * I/O. Occurrences up to `now` plus the template's lead time are due, at most `room` (and
 * MAX_CATCH_UP) of a catch-up; the rest follow in the next batch or tick. A series that repeats
 * from completion gets its next occurrence only: the rest follow completions.
 */
function planTemplate(template: Selectable<RecurringTasksTable>, tickNow: Date, room: number): Plan {
  const rule = ruleOf(template);
  const now = new Date(tickNow.getTime() + template.lead_time_minutes * 60_000);
  if (template.repeat_from === "completion")
    return { template, due: [template.next_occurrence], next: template.next_occurrence };
  const latest = latestOccurrenceAtOrBefore(rule, now);
  const cap = Math.max(1, Math.min(MAX_CATCH_UP, room));
  const due =
    template.catch_up === "all"
      ? missedOccurrences(rule, template.next_occurrence, now, cap)
      : [latest && latest >= template.next_occurrence ? latest : template.next_occurrence];
  const last = due.at(-1) ?? template.next_occurrence;
  // A capped catch-up resumes after the last instance it made; otherwise the schedule moves past now.
  const next = nextOccurrence(rule, due.length === cap || last > now ? last : now);
  return { template, due, next: next ?? undefined };
}

/**
 * The batch's instances and events (two statements; an instance that exists already is skipped),
 * then one UPDATE of its templates from arrays: next_occurrence advanced, or the template
 * deactivated when its rule has ended (its schedule stays as it was), and occurrences_created.
 */
async function fireBatch(
  tx: Transaction<Database>,
  plans: Plan[],
  now: Date,
): Promise<{ template: number; occurrences: Date[] }[]> {
  if (plans.length === 0) return [];
  const created = await createRecurringInstances(
    tx,
    plans.flatMap((p) => p.due.map((occurrence) => ({ template: p.template, occurrence }))),
    now,
  );
  const byTemplate = new Map<number, Date[]>(plans.map((p) => [p.template.id, []]));
  for (const c of created) byTemplate.get(c.template.id)!.push(c.occurrence);
  await sql`
    UPDATE recurring_tasks AS r SET
      next_occurrence = coalesce(u.next, r.next_occurrence),
      is_active = u.next IS NOT NULL,
      occurrences_created = r.occurrences_created + u.created,
      updated_at = now()
    FROM unnest(${plans.map((p) => p.template.id)}::int[], ${plans.map((p) => p.next?.toISOString() ?? null)}::timestamptz[],
                ${plans.map((p) => byTemplate.get(p.template.id)!.length)}::int[]) AS u(id, next, created)
    WHERE r.id = u.id`.execute(tx);
  return [...byTemplate].map(([template, occurrences]) => ({ template, occurrences }));
}
