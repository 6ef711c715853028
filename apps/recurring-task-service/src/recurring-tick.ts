import type { Database, RecurringTasksTable } from "@todo/db";
import { latestOccurrenceAtOrBefore, missedOccurrences, nextOccurrence } from "@todo/recurrence";
import { createRecurringInstance, ruleOf } from "@todo/tasks";
import { type Kysely, type Selectable, sql, type Transaction } from "kysely";

export interface TickLog {
  error(obj: object, msg: string): void;
}

export interface RecurringTickResult {
  templates: number;
  created: number;
  /** Seconds from each created occurrence to its commit. */
  lags: number[];
  failed: number;
}

/** After downtime, `all` creates at most this many missed instances per template and tick. */
const MAX_CATCH_UP = 100;

/** Templates claimed per transaction. */
const BATCH_SIZE = 25;

/**
 * Creates the instances that are due: claim a batch of due templates with FOR UPDATE SKIP LOCKED
 * (replicas and loops never wait on each other, and never take the same template), create each
 * one's instance(s) and events and advance its next_occurrence; commit once per batch. A template
 * that fails is skipped this tick; the rest of its batch is claimed again without it.
 */
export async function runRecurringTick(
  db: Kysely<Database>,
  log: TickLog,
  now = new Date(),
  concurrency = 1,
): Promise<RecurringTickResult> {
  const result: RecurringTickResult = { templates: 0, created: 0, lags: [], failed: 0 };
  const failedIds: number[] = [];
  // Several claim loops at once (on a server's connection pool): a burst of due templates does not
  // wait on one commit after another.
  const loops = await Promise.allSettled(
    Array.from({ length: Math.max(1, concurrency) }, () => claimLoop(db, log, now, result, failedIds)),
  );
  const failure = loops.find((l) => l.status === "rejected");
  if (failure) throw failure.reason;
  return result;
}

/** Thrown inside a batch's transaction: the batch rolls back, and is claimed again without it. */
class TemplateFailed extends Error {
  constructor(
    readonly templateId: number,
    override readonly cause: unknown,
  ) {
    super(`recurring template ${templateId} failed`);
  }
}

async function claimLoop(
  db: Kysely<Database>,
  log: TickLog,
  now: Date,
  result: RecurringTickResult,
  failedIds: number[],
): Promise<void> {
  for (;;) {
    let batch: { claimed: number; created: Date[][] };
    try {
      batch = await db.transaction().execute(async (tx) => {
        let query = tx
          .selectFrom("recurring_tasks")
          .selectAll()
          .where("is_active", "=", true)
          .where("next_occurrence", "<=", now)
          .orderBy("next_occurrence")
          .limit(BATCH_SIZE)
          .forUpdate()
          .skipLocked();
        if (failedIds.length > 0) query = query.where("id", "not in", failedIds);
        const templates = await query.execute();
        const created: Date[][] = [];
        for (const template of templates) {
          try {
            created.push(await fireTemplate(tx, template, now));
          } catch (error) {
            throw new TemplateFailed(template.id, error);
          }
        }
        return { claimed: templates.length, created };
      });
    } catch (error) {
      // One bad template (say, a cron the library cannot follow) must not stop the others: its
      // batch rolls back whole and is claimed again without it (failures are rare; a savepoint per
      // template would cost two more round trips on every one).
      if (!(error instanceof TemplateFailed)) throw error;
      failedIds.push(error.templateId);
      result.failed += 1;
      log.error(
        { err: error.cause, template_id: error.templateId },
        "recurring template failed; skipped this tick",
      );
      continue;
    }
    if (batch.claimed === 0) return;
    const committedAt = Date.now();
    for (const occurrences of batch.created) {
      result.templates += 1;
      result.created += occurrences.length;
      for (const occurrence of occurrences) result.lags.push((committedAt - occurrence.getTime()) / 1000);
    }
  }
}

async function fireTemplate(
  tx: Transaction<Database>,
  template: Selectable<RecurringTasksTable>,
  now: Date,
): Promise<Date[]> {
  const rule = ruleOf(template);
  const latest = latestOccurrenceAtOrBefore(rule, now);
  const due =
    template.catch_up === "all"
      ? missedOccurrences(rule, template.next_occurrence, now, MAX_CATCH_UP)
      : [latest && latest >= template.next_occurrence ? latest : template.next_occurrence];
  const created: Date[] = [];
  for (const occurrence of due) {
    if (await createRecurringInstance(tx, template, occurrence, now)) created.push(occurrence);
  }
  const last = due.at(-1) ?? template.next_occurrence;
  // A capped catch-up resumes after the last instance it made; otherwise the schedule moves past now.
  const next = nextOccurrence(rule, due.length === MAX_CATCH_UP || last > now ? last : now);
  await tx
    .updateTable("recurring_tasks")
    .set({
      // An ended rule (count or end date reached) deactivates its template; its schedule stays as it was.
      ...(next ? { next_occurrence: next } : { is_active: false }),
      occurrences_created: sql`occurrences_created + ${created.length}`,
      updated_at: sql`now()`,
    })
    .where("id", "=", template.id)
    .execute();
  return created;
}
