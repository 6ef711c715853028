// `recurring`: how late 1,000 recurring instances due in the same second are created.

import { query, settle } from "./distributed.ts";
import { type Benchmark, P, row } from "./harness.ts";
import { summarize } from "./report.ts";
import type { BenchUser } from "./seed.ts";
import { appPort, log, waitUntil } from "./stack.ts";

export const recurringLag: Benchmark = {
  name: "recurring",
  run: ({ users }) => benchRecurring(users),
};

async function benchRecurring(users: BenchUser[]): Promise<void> {
  // On a quiet stack: the events the benchmarks before this one published are all consumed.
  log(`recurring: waited ${Math.round((await settle(180_000)) / 1000)} s for a quiet stack`);
  // 1,000 daily templates, each of its own user, all due at the same second a few seconds ahead.
  const due = new Date(Math.ceil((Date.now() + 8_000) / 1000) * 1000);
  const owners = users.slice(0, P.templates).map((u) => u.id);
  await query(
    `INSERT INTO recurring_tasks (user_id, template_title, recurrence_pattern, timezone, anchor_at, next_occurrence)
     SELECT u, 'bench template', 'daily', 'UTC', $1, $1 FROM unnest($2::uuid[]) AS u`,
    [due, owners],
  );
  const done = await waitUntil(
    async () =>
      (
        await query<{ n: number }>(
          "SELECT count(*)::int AS n FROM tasks WHERE recurring_task_id IS NOT NULL AND occurrence_at = $1",
          [due],
        )
      )[0]!.n >= P.templates,
    "the recurring instances",
    120_000,
    250,
  );
  const lags = (
    await query<{ lag: number }>(
      `SELECT extract(epoch FROM pg_xact_commit_timestamp(t.xmin) - t.occurrence_at)::float8 * 1000 AS lag
       FROM tasks t WHERE t.recurring_task_id IS NOT NULL AND t.occurrence_at = $1`,
      [due],
    )
  ).map((r) => r.lag);
  const stats = summarize(lags);
  // The service's own histogram measures to the commit; its buckets say how many were within 2 s.
  const metrics = await fetch(`http://127.0.0.1:${appPort("recurring-task-service")}/metrics`).then((r) =>
    r.text(),
  );
  const bucket = (le: string) =>
    Number(
      new RegExp(`recurring_lag_seconds_bucket\\{le="${le}"[^}]*\\} (\\d+)`).exec(metrics)?.[1] ?? Number.NaN,
    );
  const count = Number(/recurring_lag_seconds_count(?:\{[^}]*\})? (\d+)/.exec(metrics)?.[1] ?? Number.NaN);
  row(
    "recurring_lag_p99_ms",
    Math.round(stats.p99),
    "ms",
    "<= 2,000",
    "distributed",
    `${stats.count}/${P.templates} templates due at the same second, on a quiet stack${done ? "" : " (not all created in 120 s)"}; cron binding @every 1s and the service's wake-up at the next due occurrence; instance commit time (track_commit_timestamp) − occurrence_at; p50 ${Math.round(stats.p50)} ms, max ${Math.round(stats.max)} ms; service histogram (to commit): ${bucket("0.5")} within 0.5 s, ${bucket("1")} within 1 s, ${bucket("2")} within 2 s of ${count}`,
  );
}
