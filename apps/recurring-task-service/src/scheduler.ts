import type { Database } from "@todo/db";
import { Counter, Histogram, type Registry } from "@todo/server";
import type { Kysely } from "kysely";
import { runRecurringTick, type TickLog } from "./recurring-tick.ts";
import { runReminderTick } from "./reminder-tick.ts";

export interface TickSummary {
  skipped: boolean;
  templates: number;
  created: number;
  reminders: number;
  failed: number;
}

/**
 * One tick = recurring instances, then due reminders. The cron binding may fire again while a
 * tick still runs (it fires every second, on every replica): a tick in progress answers at once
 * instead of piling up; other replicas are kept apart by SKIP LOCKED.
 */
export function createScheduler(deps: {
  db: Kysely<Database>;
  log: TickLog;
  registry?: Registry;
  /** Templates claimed at once; more than 1 only on a connection pool (PGlite has one connection). */
  concurrency?: number;
}) {
  const registers = deps.registry ? [deps.registry] : [];
  const lag = new Histogram({
    name: "recurring_lag_seconds",
    help: "From an occurrence's scheduled time to its instance's commit",
    buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900],
    registers,
  });
  const instances = new Counter({
    name: "recurring_instances_created_total",
    help: "Recurring instances created",
    registers,
  });
  const reminders = new Counter({
    name: "reminders_emitted_total",
    help: "task.due.approaching events written",
    registers,
  });
  const failures = new Counter({
    name: "recurring_template_failures_total",
    help: "Templates that failed in a tick",
    registers,
  });
  let running: Promise<TickSummary> | undefined;
  let timer: NodeJS.Timeout | undefined;

  async function run(now: Date): Promise<TickSummary> {
    const recurring = await runRecurringTick(deps.db, deps.log, now, deps.concurrency ?? 1);
    for (const seconds of recurring.lags) lag.observe(seconds);
    instances.inc(recurring.created);
    failures.inc(recurring.failed);
    const emitted = await runReminderTick(deps.db, now);
    reminders.inc(emitted);
    return {
      skipped: false,
      templates: recurring.templates,
      created: recurring.created,
      reminders: emitted,
      failed: recurring.failed,
    };
  }

  return {
    tick(now = new Date()): Promise<TickSummary> {
      if (running)
        return Promise.resolve({ skipped: true, templates: 0, created: 0, reminders: 0, failed: 0 });
      running = run(now).finally(() => {
        running = undefined;
      });
      return running;
    },
    /** The embedded mode's stand-in for the cron binding. */
    startTimer(intervalMs: number): void {
      timer = setInterval(() => {
        this.tick().catch((error) => deps.log.error({ err: error }, "scheduler tick failed"));
      }, intervalMs);
    },
    async stop(): Promise<void> {
      clearInterval(timer);
      await running;
    },
  };
}
export type Scheduler = ReturnType<typeof createScheduler>;
