// The benchmark's subscriber, run beside the notification-service sidecar while that service is
// not there: it serves Dapr's callbacks for task-events with the services' own route code
// (registerDaprSubscriptions), notes when each delivery arrived (before any database work), keeps
// the CloudEvent as delivered (for the redelivery benchmark), and applies each event once through
// our idempotent consumer (an effect row per event in bench_effects), so redelivery can be counted.
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

// The handler is given the event payload that readDaprDelivery took out of the CloudEvent, not the
// CloudEvent. The redelivery benchmark republishes the CloudEvent as delivered (same id), so each
// request's CloudEvents are kept here by their payload's event_id (the body is still the raw bytes
// the route's own parser kept). Entries stay: a redelivered event may be in flight twice at once,
// and `deliveries` holds every CloudEvent anyway.
const cloudEvents = new Map<string, Record<string, unknown>>();
app.addHook("preHandler", async (request) => {
  if (request.routeOptions.url !== "/task-events" || !Buffer.isBuffer(request.body)) return;
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(request.body.toString("utf8"));
  } catch {
    return; // not JSON: readDaprDelivery answers it DROP
  }
  const entries = Array.isArray(json.entries)
    ? (json.entries as { event: unknown }[]).map((e) => e.event)
    : [json];
  for (const entry of entries) {
    const eventId = (entry as { data?: { event_id?: unknown } } | null)?.data?.event_id;
    if (typeof eventId === "string") cloudEvents.set(eventId, entry as Record<string, unknown>);
  }
});

registerDaprSubscriptions(app, [
  {
    pubsubName: "task-pubsub",
    topic: "task-events",
    route: "/task-events",
    deadLetterTopic: "task-events-dlq",
    handle: async (payload) => {
      const receivedAt = Date.now();
      const data = (payload ?? {}) as Record<string, unknown>;
      const eventId = String(data.event_id);
      const cloudEvent = cloudEvents.get(eventId);
      // What the benchmarks match on must be there; say so in this process's log if it is not.
      if (typeof data.event_id !== "string" || typeof data.event_type !== "string" || !cloudEvent)
        app.log.warn(
          { payload },
          "a delivery the benchmarks cannot match: no event_id/event_type or CloudEvent",
        );
      const result = await consumeEvent(
        { db: database.db, log },
        "bench-probe",
        payload,
        async (event, tx) => {
          await sql`INSERT INTO bench_effects (event_id, event_type, task_id, user_id)
          VALUES (${event.event_id}, ${event.event_type}, ${event.task_id}, ${event.user_id})`.execute(tx);
        },
      );
      deliveries.push({
        receivedAt,
        eventId,
        eventType: String(data.event_type),
        taskId: Number(data.task_id),
        timestamp: String(data.timestamp),
        body: cloudEvent ?? {},
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
