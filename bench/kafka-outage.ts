// `outage`: Kafka stopped under steady creates; API errors, lost events and the time to drain.

import {
  createdIds,
  createTask,
  deliveries,
  drainOutbox,
  paced,
  pick,
  receivedTaskIds,
  waitForCreatedEvents,
} from "./distributed.ts";
import { type Benchmark, P, row } from "./harness.ts";
import { round } from "./load.ts";
import type { BenchUser } from "./seed.ts";
import { log, script } from "./stack.ts";

export const kafkaOutage: Benchmark = {
  name: "outage",
  run: ({ users }) => benchOutage(users),
};

async function benchOutage(users: BenchUser[]): Promise<void> {
  await drainOutbox(120_000);
  const rate = 10;
  let phase: "before" | "during" | "after" | "done" = "before";
  const results = paced(
    rate,
    () => phase === "done",
    () => createTask(pick(users), { title: `outage ${phase}` }),
  );
  await new Promise((r) => setTimeout(r, 5_000));
  log(`stopping Kafka for ${P.outageSeconds} s under ${rate} creates/s`);
  await script("kafka.sh", "stop");
  phase = "during";
  const stoppedAt = Date.now();
  await new Promise((r) => setTimeout(r, Math.max(0, stoppedAt + P.outageSeconds * 1000 - Date.now())));
  await script("kafka.sh", "start");
  const restartedAt = Date.now();
  phase = "after";
  await new Promise((r) => setTimeout(r, 5_000));
  phase = "done";
  const created = await results;
  const errors = created.filter((c) => c.status !== 201).length;
  const ids = createdIds(created);
  await waitForCreatedEvents(ids, "every event of the outage", 180_000);
  const got = receivedTaskIds();
  const lost = [...ids].filter((id) => !got.has(id)).length;
  const lastReceipt = Math.max(
    ...deliveries.filter((d) => d.eventType === "task.created" && ids.has(d.taskId)).map((d) => d.receivedAt),
  );
  const drain = round((lastReceipt - restartedAt) / 1000, 1);
  const note = `Kafka stopped ${P.outageSeconds} s under ${rate} creates/s (${created.length} creates: 5 s before, during, 5 s after)`;
  row("outage_api_errors", errors, "count", "= 0", "distributed", note);
  row(
    "outage_events_lost",
    lost,
    "count",
    "= 0",
    "distributed",
    `${note}; ${ids.size - lost}/${ids.size} delivered`,
  );
  row(
    "outage_drain_s",
    drain,
    "s",
    "",
    "distributed",
    "from kafka.sh start returning to the last outage event received (relay backoff, sidecar circuit breaker)",
  );
}
