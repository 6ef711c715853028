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

/**
 * Creates the instances that are due, one template per transaction: claim it with
 * FOR UPDATE SKIP LOCKED (replicas never wait on each other, and never take the same template),
 * create its instance(s) and events, advance next_occurrence, commit.
 */
export async function runRecurringTick(
  db: Kysely<Database>,
  log: TickLog,
  now = new Date(),
): Promise<RecurringTickResult> {
  const result: RecurringTickResult = { templates: 0, created: 0, lags: [], failed: 0 };
  const failedIds: number[] = [];
  for (;;) {
    let claimed = false;
    try {
      const created = await db.transaction().execute(async (tx) => {
        let query = tx
          .selectFrom("recurring_tasks")
          .selectAll()
          .where("is_active", "=", true)
          .where("next_occurrence", "<=", now)
          .orderBy("next_occurrence")
          .limit(1)
          .forUpdate()
          .skipLocked();
        if (failedIds.length > 0) query = query.where("id", "not in", failedIds);
        const template = await query.executeTakeFirst();
        if (!template) return null;
        claimed = true;
        try {
          return await fireTemplate(tx, template, now);
        } catch (error) {
          failedIds.push(template.id);
          throw error;
        }
      });
      if (!created) return result;
      result.templates += 1;
      result.created += created.length;
      const committedAt = Date.now();
      for (const occurrence of created) result.lags.push((committedAt - occurrence.getTime()) / 1000);
    } catch (error) {
      // One bad template (say, a cron the library cannot follow) must not stop the others.
      if (!claimed) throw error;
      result.failed += 1;
      log.error(
        { err: error, template_id: failedIds.at(-1) },
        "recurring template failed; skipped this tick",
      );
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
