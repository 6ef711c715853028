import type { Database, WorkSlices } from "@todo/db";
import { Counter, Histogram, type Log, type Registry } from "@todo/server";
import type { Kysely } from "kysely";
import { DEFAULT_TICK_BUDGET, runRecurringTick, type TickBudget } from "./recurring-tick.ts";
import { runReminderTick } from "./reminder-tick.ts";

export interface TickSummary {
  skipped: boolean;
  templates: number;
  created: number;
  reminders: number;
  failed: number;
}

/** The longest the wake timer sleeps before it looks again (setTimeout cannot wait past ~24.8 days). */
const MAX_WAKE_MS = 60_000;

/**
 * One tick = recurring instances, then due reminders. The cron binding may fire again while a
 * tick still runs (it fires every second, on every replica): a tick in progress answers at once
 * instead of piling up; other replicas are kept apart by SKIP LOCKED.
 *
 * With `wakeAtNextDue`, each tick ends by reading the earliest next_occurrence of an active
 * template after its own `now`, and sets a timer for that instant (at most MAX_WAKE_MS ahead): a
 * due template is picked up within milliseconds instead of up to a cron interval later. The timer
 * ticks through the same single flight; one that fires while a tick runs is skipped, and the
 * running tick re-arms it when it ends (its `now` is earlier than the due time, so it finds it
 * again). Every replica arms its own timer: SKIP LOCKED and the (template, occurrence) key keep
 * that safe. The timer only tightens the schedule the service already knows: a template created or
 * moved earlier by another process is seen at the next cron tick, which re-arms the timer, so the
 * cron interval stays the bound for a template created less than one interval before it is due.
 */
export function createScheduler(deps: {
  db: Kysely<Database>;
  log: Log;
  /** Where the scheduler's metrics go (recurring_lag_seconds, ...); tests pass their own. */
  registry: Registry;
  /** Templates claimed at once; more than 1 only on a connection pool (PGlite has one connection). */
  concurrency?: number;
  /** Also tick at the next known due occurrence (see above); ticks called with a made-up `now` should leave it off. */
  wakeAtNextDue?: boolean;
  /** What one tick may spend on recurring instances before the next tick goes on (DEFAULT_TICK_BUDGET). */
  budget?: TickBudget;
  /**
   * The database's `slices` when it runs on the event loop (PGlite): batches sized to a slice and
   * the loop turning between them. (In every mode, with wakeAtNextDue, a tick that stopped at its
   * budget is followed by the next at once rather than after the interval.)
   */
  slices?: WorkSlices;
}) {
  const registers = [deps.registry];
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
  let wakeTimer: NodeJS.Timeout | undefined;
  let stopped = false;

  /** The earliest occurrence of an active template after `after`, if any. */
  async function nextDue(after: Date): Promise<Date | undefined> {
    const row = await deps.db
      .selectFrom("recurring_tasks")
      .select((eb) => eb.fn.min("next_occurrence").as("next"))
      .where("is_active", "=", true)
      .where("next_occurrence", ">", after)
      .executeTakeFirst();
    return row?.next ? new Date(row.next) : undefined;
  }

  /** Strictly after the tick's `now`: a due template this tick could not take (it failed, or another replica holds it) is left to the cron tick, not retried in a loop. */
  async function arm(after: Date, exhausted: boolean): Promise<void> {
    // A tick that stopped at its budget with due work left goes on at once: the budget is there so
    // reminders and (on PGlite) requests get their turn between ticks, not to wait out an interval,
    // which stretched a catch-up of 1000 due templates to ~15 s on a server.
    const due = exhausted ? new Date(0) : await nextDue(after);
    if (stopped) return;
    clearTimeout(wakeTimer);
    wakeTimer = undefined;
    const delay = due ? Math.max(0, due.getTime() - Date.now() + 1) : MAX_WAKE_MS;
    wakeTimer = setTimeout(
      () => {
        wakeTimer = undefined;
        tick().catch((error) => deps.log.error({ err: error }, "scheduler tick failed"));
      },
      Math.min(delay, MAX_WAKE_MS),
    );
    wakeTimer.unref();
  }

  async function run(now: Date): Promise<TickSummary> {
    const recurring = await runRecurringTick(
      deps.db,
      deps.log,
      now,
      deps.concurrency ?? 1,
      deps.budget ?? DEFAULT_TICK_BUDGET,
      deps.slices,
    );
    for (const seconds of recurring.lags) lag.observe(seconds);
    instances.inc(recurring.created);
    failures.inc(recurring.failed);
    // While instances are still due (the tick stopped at its budget and the next follows at once),
    // reminders get one batch a tick: the reminders of the instances just made must not hold up the
    // rest of a burst (1000 templates due at once took ~4-6 s instead of ~0.6 s); they catch up in
    // the ticks that follow, and all of them once the burst is made.
    const emitted = await runReminderTick(deps.db, now, recurring.exhausted ? 1 : Number.POSITIVE_INFINITY);
    reminders.inc(emitted);
    if (deps.wakeAtNextDue && !stopped)
      await arm(now, recurring.exhausted).catch((error) =>
        deps.log.error({ err: error }, "scheduler wake timer not set"),
      );
    return {
      skipped: false,
      templates: recurring.templates,
      created: recurring.created,
      reminders: emitted,
      failed: recurring.failed,
    };
  }

  function tick(now = new Date()): Promise<TickSummary> {
    if (running) return Promise.resolve({ skipped: true, templates: 0, created: 0, reminders: 0, failed: 0 });
    running = run(now).finally(() => {
      running = undefined;
    });
    return running;
  }

  return {
    tick,
    /** The embedded mode's stand-in for the cron binding. */
    startTimer(intervalMs: number): void {
      timer = setInterval(() => {
        tick().catch((error) => deps.log.error({ err: error }, "scheduler tick failed"));
      }, intervalMs);
    },
    async stop(): Promise<void> {
      stopped = true;
      clearInterval(timer);
      clearTimeout(wakeTimer);
      await running;
    },
  };
}
export type Scheduler = ReturnType<typeof createScheduler>;
