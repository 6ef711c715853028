// A stand-in subscriber for the end-to-end tests, run as its own process so a test can kill it:
// it serves Dapr's callbacks for task-events and records each event once (our idempotent
// consumer) in stack_probe_effects, plus the raw CloudEvent of each delivery.
//   node --import tsx probe-subscriber.ts <port> <database-url>

import { registerDaprSubscriptions } from "@todo/dapr";
import { openDatabase } from "@todo/db";
import { consumeEvent } from "@todo/events";
import type { Log } from "@todo/server";
import Fastify from "fastify";
import { sql } from "kysely";

const [portArg, url] = process.argv.slice(2);
const database = await openDatabase({ kind: "postgres", url: url!, poolSize: 5 });
const app = Fastify({ logger: { level: "warn" } });
const log: Log = {
  info: (o: object, m: string) => app.log.info(o, m),
  warn: (o: object, m: string) => app.log.warn(o, m),
  error: (o: object, m: string) => app.log.error(o, m),
};

// The delivery as the sidecar sent it (the route hands the handler only the payload inside).
app.addHook("preHandler", async (request) => {
  if (request.url !== "/task-events" || !Buffer.isBuffer(request.body)) return;
  const text = request.body.toString("utf8");
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text; // a raw message that is not JSON: kept as a string
  }
  await sql`INSERT INTO stack_probe_deliveries (body) VALUES (${JSON.stringify(body)})`.execute(database.db);
});

registerDaprSubscriptions(app, [
  {
    pubsubName: "task-pubsub",
    topic: "task-events",
    route: "/task-events",
    deadLetterTopic: "task-events-dlq",
    handle: (payload) =>
      consumeEvent({ db: database.db, log }, "stack-probe", payload, async (event, tx) => {
        await sql`INSERT INTO stack_probe_effects (event_id, event_type, task_id, user_id, source)
          VALUES (${event.event_id}, ${event.event_type}, ${event.task_id}, ${event.user_id}, ${event.source})`.execute(
          tx,
        );
      }),
  },
]);
app.get("/healthz", async () => ({ status: "ok" }));
await app.listen({ port: Number(portArg), host: "127.0.0.1" });
process.on("SIGTERM", async () => {
  await app.close();
  await database.close();
  process.exit(0);
});
