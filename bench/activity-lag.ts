// `activity`: from a task change's commit to its activity row, in the distributed mode: the event
// goes outbox → relay → backend's daprd → Kafka → audit-service's daprd → audit-service, which
// writes task_activity. occurred_at is the event's timestamp (taken inside the committing
// transaction); recorded_at is the row's clock_timestamp() when audit-service inserts it. The note
// splits the lag at the outbox row's published_at (the relay's mark after daprd accepted it) and
// gives the machine's load average, since the stages share its cores with everything else.
import { loadavg } from "node:os";
import { createdIds, createTask, drainOutbox, paced, pick, query } from "./distributed.ts";
import { type Benchmark, P, row } from "./harness.ts";
import { round } from "./load.ts";
import { summarize } from "./report.ts";
import type { BenchUser } from "./seed.ts";
import { waitUntil } from "./stack.ts";

export const activityLag: Benchmark = {
  name: "activity",
  run: ({ users }) => benchActivityLag(users),
};

async function benchActivityLag(users: BenchUser[]): Promise<void> {
  // An idle pipeline, as the event benchmark measures: what earlier benchmarks left (the recurring
  // one's 1000 instances and their events) is published and recorded before the clock starts.
  await drainOutbox(180_000);
  let recorded = -1;
  await waitUntil(
    async () => {
      const now = (await query<{ n: number }>("SELECT count(*)::int AS n FROM task_activity"))[0]!.n;
      const settled = now === recorded;
      recorded = now;
      return settled;
    },
    "the activity log to catch up",
    180_000,
    1000,
  );
  const rate = 20;
  let i = 0;
  const loadBefore = loadavg()[0]!;
  const created = await paced(
    rate,
    () => i >= P.events,
    () => createTask(pick(users), { title: `activity ${i++}` }),
  );
  const ids = [...createdIds(created)];
  const lagsOf = () =>
    query<{ lag_ms: number }>(
      `SELECT extract(epoch FROM recorded_at - occurred_at)::float8 * 1000 AS lag_ms
       FROM task_activity WHERE event_type = 'task.created' AND task_id = ANY($1::int[])`,
      [ids],
    );
  await waitUntil(async () => (await lagsOf()).length >= ids.length, "the activity rows", 120_000, 250);
  const loadAfter = loadavg()[0]!;
  const stats = summarize((await lagsOf()).map((r) => r.lag_ms));
  const parts = await query<{ relay_ms: number; consume_ms: number }>(
    `SELECT extract(epoch FROM o.published_at - a.occurred_at)::float8 * 1000 AS relay_ms,
            extract(epoch FROM a.recorded_at - o.published_at)::float8 * 1000 AS consume_ms
     FROM task_activity a JOIN outbox o ON o.event_id = a.event_id
     WHERE a.event_type = 'task.created' AND a.task_id = ANY($1::int[])`,
    [ids],
  );
  const relay = summarize(parts.map((r) => r.relay_ms));
  const consume = summarize(parts.map((r) => r.consume_ms));
  row(
    "activity_write_lag_p99",
    round(stats.p99),
    "ms",
    "<= 100",
    "distributed",
    `${ids.length} tasks created at ${rate}/s; event commit → task_activity row through Kafka and audit-service; p50 ${round(stats.p50)} ms; of it commit → published by the relay p50 ${round(relay.p50)} / p99 ${round(relay.p99)} ms, published → row p50 ${round(consume.p50)} / p99 ${round(consume.p99)} ms; 1-min load average ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)} on the shared cores`,
  );
}
