// The notification service in the distributed mode: Dapr delivers task and notification events to
// /task-events and /notification-events; the delivery worker sends e-mail, web push and webhooks;
// notification.created events go out through the outbox and the sidecar. The notification API is
// served here too, to the backend only, by Dapr service invocation (see invoked-routes.ts).
import { openDatabase } from "@todo/db";
import {
  createDaprStateStore,
  createDaprTransport,
  databaseCheck,
  environmentOrExit,
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
import { registerInvokedRoutes } from "./invoked-routes.ts";
import { createNotificationService } from "./service.ts";

const startedAt = performance.now();
const env = await environmentOrExit(process.env, {
  required: ["DATABASE_URL"],
  optional: ["SMTP_URL", "VAPID_PUBLIC_KEY", "VAPID_PRIVATE_KEY", "APP_API_TOKEN"],
});
const config = loadOrExit(() => loadServiceConfig(env));

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
registerDaprSubscriptions(app, service.subscriptions(config.dapr.pubsubName));
await registerInvokedRoutes(app, service.plugin, config.invocation);
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
