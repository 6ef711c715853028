// The recurring-task service in the distributed mode: the Dapr cron binding posts to
// /recurring-task-cron; instances and reminders go out through the outbox and the sidecar.
import { openDatabase } from "@todo/db";
import {
  createDaprTransport,
  databaseCheck,
  environmentOrExit,
  OutboxRelay,
  outboxLagCheck,
  sidecarCheck,
} from "@todo/events";
import {
  closeOnSignals,
  createRegistry,
  createServer,
  listenOrExit,
  loadOrExit,
  serviceLogger,
} from "@todo/server";
import { loadRecurringConfig } from "./config.ts";
import { registerCronRoute } from "./cron-route.ts";
import { createScheduler } from "./scheduler.ts";

const startedAt = performance.now();
const env = await environmentOrExit(process.env, { required: ["DATABASE_URL"] });
const config = loadOrExit(() => loadRecurringConfig(env));
const database = await openDatabase(config.database);
const registry = createRegistry("recurring-task-service");
const app = await createServer({
  service: "recurring-task-service",
  logger: serviceLogger(config.logLevel),
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
app.get("/dapr/subscribe", { schema: { hide: true } }, async () => []);
const relay = new OutboxRelay({
  database,
  transport: createDaprTransport({ httpPort: config.dapr.httpPort, pubsubName: config.dapr.pubsubName }),
  log: app.log,
  registry,
});

const shutdown = closeOnSignals(app.log, [
  () => app.close(),
  () => scheduler.stop(),
  () => relay.stop(),
  () => database.close(),
]);

await relay.start();
await listenOrExit(app, { port: config.port, host: config.host }, shutdown);
app.log.info({ startup_ms: Math.round(performance.now() - startedAt) }, "recurring-task-service ready");
