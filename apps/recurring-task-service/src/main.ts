// The recurring-task service in the distributed mode: the Dapr cron binding posts to
// /recurring-task-cron; instances and reminders go out through the outbox and the sidecar.
import { createDaprTransport, environmentOrExit, registerDaprSubscriptions, sidecarCheck } from "@todo/dapr";
import { openDatabase } from "@todo/db";
import { databaseCheck, OutboxRelay, outboxLagCheck } from "@todo/events";
import { createServer, runService } from "@todo/server";
import { createScheduler } from "@todo/tasks";
import { loadRecurringConfig } from "./config.ts";
import { registerCronRoute } from "./cron-route.ts";

const env = await environmentOrExit(process.env, { required: ["DATABASE_URL"] });

await runService({
  name: "recurring-task-service",
  loadConfig: () => loadRecurringConfig(env),
  // The relay's LISTEN connection and those of the first /readyz (its two database checks) are
  // made while the server is built.
  openDatabase: (config, connection) =>
    openDatabase(config.database, { ...connection, openEarly: { listener: true, pool: 2 } }),
  build: async ({ config, database, logger, registry }) => {
    const app = await createServer({
      service: "recurring-task-service",
      logger,
      registry,
      readiness: [databaseCheck(database), sidecarCheck(config.dapr.httpPort), outboxLagCheck(database)],
    });
    // Claim loops per tick: the pool's connections less two (the relay, readiness checks). Besides the
    // cron binding's ticks, the service wakes itself at the next due occurrence it knows of.
    const scheduler = createScheduler({
      db: database.db,
      log: app.log,
      registry,
      concurrency: Math.max(1, config.database.poolSize - 2),
      wakeAtNextDue: true,
    });
    await registerCronRoute(app, scheduler);
    // This service needs no subscriptions; Dapr still asks.
    registerDaprSubscriptions(app, []);
    const relay = new OutboxRelay({
      database,
      transport: createDaprTransport({ httpPort: config.dapr.httpPort, pubsubName: config.dapr.pubsubName }),
      log: app.log,
      registry,
    });
    // The scheduler runs when the cron binding calls (and when it wakes itself); start is a no-op.
    return { app, workers: [relay, { start() {}, stop: () => scheduler.stop() }] };
  },
});
