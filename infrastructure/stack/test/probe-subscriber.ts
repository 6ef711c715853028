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

registerDaprSubscriptions(app, [
  {
    pubsubName: "task-pubsub",
    topic: "task-events",
    route: "/task-events",
    deadLetterTopic: "task-events-dlq",
    handle: async (body) => {
      await sql`INSERT INTO stack_probe_deliveries (body) VALUES (${JSON.stringify(body)})`.execute(
        database.db,
      );
      return consumeEvent({ db: database.db, log }, "stack-probe", body, async (event, tx) => {
        await sql`INSERT INTO stack_probe_effects (event_id, event_type, task_id, user_id, source)
          VALUES (${event.event_id}, ${event.event_type}, ${event.task_id}, ${event.user_id}, ${event.source})`.execute(
          tx,
        );
      });
    },
  },
]);
app.get("/healthz", async () => ({ status: "ok" }));
await app.listen({ port: Number(portArg), host: "127.0.0.1" });
process.on("SIGTERM", async () => {
  await app.close();
  await database.close();
  process.exit(0);
});
