// `redelivery`: every event the probe subscriber received, published again; extra effects must stay 0.

import { deliveries, drainOutbox, pollDeliveries, query, republish } from "./distributed.ts";
import { type Benchmark, redelivery } from "./harness.ts";
import { waitUntil } from "./stack.ts";
import type { Delivery } from "./subscriber.ts";

export const redeliveryBench: Benchmark = {
  name: "redelivery",
  run: () => benchRedelivery(),
};

async function benchRedelivery(): Promise<void> {
  await drainOutbox(60_000);
  await new Promise((r) => setTimeout(r, 2000));
  await pollDeliveries();
  const tasksBefore = (await query<{ n: number }>("SELECT count(*)::int AS n FROM tasks"))[0]!.n;
  const effectsBefore = (await query<{ n: number }>("SELECT count(*)::int AS n FROM bench_effects"))[0]!.n;
  // Every distinct event the subscriber has received so far, published again as delivered.
  const byId = new Map<string, Delivery>();
  for (const d of deliveries) if (!byId.has(d.eventId)) byId.set(d.eventId, d);
  const events = [...byId.values()];
  const deliveriesBefore = deliveries.length;
  const failedPublishes = await republish(
    events.map(({ body }) => {
      // As delivered, less what Dapr added on the way.
      const { topic, pubsubname, traceid, traceparent, tracestate, ...cloudEvent } = body;
      return { cloudEvent, key: (cloudEvent.data as { user_id: string }).user_id };
    }),
  );
  await waitUntil(
    async () => (await pollDeliveries()).length >= deliveriesBefore + events.length - failedPublishes,
    "the redeliveries",
    180_000,
    500,
  );
  await new Promise((r) => setTimeout(r, 2000));
  await pollDeliveries();
  const redelivered = deliveries.slice(deliveriesBefore);
  const tasksAfter = (await query<{ n: number }>("SELECT count(*)::int AS n FROM tasks"))[0]!.n;
  const effectsAfter = (await query<{ n: number }>("SELECT count(*)::int AS n FROM bench_effects"))[0]!.n;
  redelivery.extra += tasksAfter - tasksBefore + (effectsAfter - effectsBefore);
  redelivery.notes.push(
    `subscriber (idempotent consumer): ${events.length} events (every one it received in this run) published again through the backend's sidecar; ${redelivered.length} redelivered, ${redelivered.filter((d) => d.note === "duplicate").length} recognised as duplicates; extra tasks ${tasksAfter - tasksBefore}, extra effects ${effectsAfter - effectsBefore}${failedPublishes ? `; ${failedPublishes} publishes failed` : ""}`,
  );
}
