// `events`: from a task change's commit to its event reaching a subscriber through Dapr and Kafka.

import {
  createdIds,
  createTask,
  deliveries,
  paced,
  pick,
  pollDeliveries,
  query,
  settle,
  waitForCreatedEvents,
  waitForSubscriber,
} from "./distributed.ts";
import { type Benchmark, P, row } from "./harness.ts";
import { round } from "./load.ts";
import { summarize } from "./report.ts";
import type { BenchUser } from "./seed.ts";
import { log } from "./stack.ts";
import type { Delivery } from "./subscriber.ts";

export const eventLatency: Benchmark = {
  name: "events",
  run: ({ users }) => benchEventLatency(users),
};

async function benchEventLatency(users: BenchUser[]): Promise<void> {
  // Everything from the create benchmark must be through first: this measures an idle pipeline.
  await waitForSubscriber(180_000);
  // That includes what they set off (the reminders of tasks due within their offset) and the
  // consumers' own catching up.
  log(`event latency: waited ${Math.round((await settle(180_000)) / 1000)} s for a quiet stack`);
  await pollDeliveries();
  const rate = 20;
  let i = 0;
  const created = await paced(
    rate,
    () => i >= P.events,
    () => createTask(pick(users), { title: `latency ${i++}` }),
  );
  const ids = createdIds(created);
  await waitForCreatedEvents(ids, "the latency events", 60_000);
  const first = new Map<number, Delivery>();
  for (const d of deliveries)
    if (d.eventType === "task.created" && ids.has(d.taskId) && !first.has(d.taskId)) first.set(d.taskId, d);
  const delays = [...first.values()].map((d) => d.receivedAt - Date.parse(d.timestamp));
  const stats = summarize(delays);
  // Where the time went: commit → the relay marking the row published. published_at is the start
  // of the relay's settle statement, after its claim and the publish through the sidecar.
  const settles = await query<{ event_id: string; settle_ms: number }>(
    `SELECT event_id::text, extract(epoch FROM published_at - (payload->>'timestamp')::timestamptz)::float8 * 1000 AS settle_ms
     FROM outbox WHERE event_id = ANY($1::uuid[])`,
    [[...first.values()].map((d) => d.eventId)],
  );
  const settleStats = summarize(settles.map((c) => c.settle_ms));
  const slow = [...first.values()].filter((d) => d.receivedAt - Date.parse(d.timestamp) > 50);
  log(
    `event latency: commit → published (claimed, sent to the sidecar, marked) p50 ${round(settleStats.p50)} / p99 ${round(settleStats.p99)} ms; ${slow.length} over 50 ms at ${slow
      .slice(0, 20)
      .map(
        (d) =>
          `${new Date(d.receivedAt).toISOString().slice(17, 23)}(${d.receivedAt - Date.parse(d.timestamp)})`,
      )
      .join(" ")}`,
  );
  const note = `${stats.count}/${ids.size} task.created events at ${rate}/s, backend → daprd → Kafka → daprd → subscriber; from the payload's timestamp (written in the committing transaction) to receipt; max ${stats.max} ms`;
  row("event_latency_p50_ms", stats.p50, "ms", "<= 50", "distributed", note);
  row("event_latency_p99_ms", stats.p99, "ms", "<= 50", "distributed", note);
}
