// The benchmark's subscriber, run beside the notification-service sidecar while that service is
// not there: it serves Dapr's callbacks for task-events, notes when each delivery arrived (before
// any database work), keeps the CloudEvent as delivered, and applies each event once through our
// idempotent consumer (an effect row per event in bench_effects), so redelivery can be counted.
//   node --import tsx bench/subscriber.ts <port> <database-url>

import { registerDaprSubscriptions } from "@todo/dapr";
import { openDatabase } from "@todo/db";
import { consumeEvent } from "@todo/events";
import type { Log } from "@todo/server";
import Fastify from "fastify";
import { sql } from "kysely";

export interface Delivery {
  receivedAt: number;
  eventId: string;
  eventType: string;
  taskId: number;
  timestamp: string;
  body: Record<string, unknown>;
  outcome: string;
  note?: string;
}

const [portArg, url] = process.argv.slice(2);
const database = await openDatabase({ kind: "postgres", url: url!, poolSize: 10 });
await sql`CREATE TABLE IF NOT EXISTS bench_effects (event_id uuid PRIMARY KEY, event_type text, task_id int, user_id uuid)`.execute(
  database.db,
);
const app = Fastify({ logger: { level: "warn" }, bodyLimit: 2 * 1024 * 1024 });
const log: Log = {
  info: (o: object, m: string) => app.log.info(o, m),
  warn: (o: object, m: string) => app.log.warn(o, m),
  error: (o: object, m: string) => app.log.error(o, m),
};
const deliveries: Delivery[] = [];

registerDaprSubscriptions(app, [
  {
    pubsubName: "task-pubsub",
    topic: "task-events",
    route: "/task-events",
    deadLetterTopic: "task-events-dlq",
    handle: async (body) => {
      const receivedAt = Date.now();
      const cloudEvent = body as Record<string, unknown>;
      const data = (cloudEvent.data ?? {}) as Record<string, unknown>;
      const result = await consumeEvent({ db: database.db, log }, "bench-probe", body, async (event, tx) => {
        await sql`INSERT INTO bench_effects (event_id, event_type, task_id, user_id)
          VALUES (${event.event_id}, ${event.event_type}, ${event.task_id}, ${event.user_id})`.execute(tx);
      });
      deliveries.push({
        receivedAt,
        eventId: String(data.event_id),
        eventType: String(data.event_type),
        taskId: Number(data.task_id),
        timestamp: String(data.timestamp),
        body: cloudEvent,
        outcome: result.outcome,
        ...(result.note ? { note: result.note } : {}),
      });
      return result;
    },
  },
]);
app.get("/healthz", async () => ({ status: "ok" }));
// Deliveries from index `from` on, so the bench can poll without copying everything every time.
app.get("/bench/deliveries", async (request) => {
  const from = Number((request.query as { from?: string }).from ?? 0);
  return { total: deliveries.length, items: deliveries.slice(from) };
});
await app.listen({ port: Number(portArg), host: "127.0.0.1" });
process.on("SIGTERM", async () => {
  await app.close();
  await database.close();
  process.exit(0);
});
