// The notification service in the distributed mode: Dapr delivers task and notification events to
// /task-events and /notification-events; the delivery worker sends e-mail, web push and webhooks;
// notification.created events go out through the outbox and the sidecar. The user-facing routes
// are served by the backend (it adds this service's plugin).
import { openDatabase } from "@todo/db";
import {
  createDaprStateStore,
  createDaprTransport,
  daprSubscriptionsFor,
  databaseCheck,
  OutboxRelay,
  outboxLagCheck,
  registerDaprSubscriptions,
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
import { loadServiceConfig } from "./config.ts";
import { createNotificationService } from "./service.ts";

const startedAt = performance.now();
const config = loadOrExit(() => loadServiceConfig());

const database = await openDatabase(config.database);
const registry = createRegistry("notification-service");
const stateStore = createDaprStateStore({
  httpPort: config.dapr.httpPort,
  storeName: config.dapr.stateStoreName,
});
// Logs through the server's logger, which is built below with the service's readiness checks.
const service = createNotificationService({
  database,
  stateStore,
  config: config.notification,
  registry,
  log: () => app.log,
});
const app = await createServer({
  service: "notification-service",
  logger: serviceLogger(config.logLevel),
  registry,
  readiness: [
    databaseCheck(database),
    sidecarCheck(config.dapr.httpPort),
    outboxLagCheck(database),
    ...service.readiness,
  ],
});
registerDaprSubscriptions(
  app,
  daprSubscriptionsFor(service.subscriptions, {
    pubsubName: config.dapr.pubsubName,
    db: database.db,
    log: app.log,
    registry,
  }),
);
const relay = new OutboxRelay({
  database,
  transport: createDaprTransport({ httpPort: config.dapr.httpPort, pubsubName: config.dapr.pubsubName }),
  log: app.log,
  registry,
});

const shutdown = closeOnSignals(app.log, [
  () => app.close(),
  () => service.stop(),
  () => relay.stop(),
  () => database.close(),
]);

await relay.start();
await service.start();
await listenOrExit(app, { port: config.port, host: config.host }, shutdown);
app.log.info(
  {
    email: config.notification.email ? "on" : "off",
    push: config.notification.push ? "on" : "off",
    startup_ms: Math.round(performance.now() - startedAt),
  },
  "notification-service ready",
);
