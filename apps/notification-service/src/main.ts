// The notification service in the distributed mode: Dapr delivers task and notification events to
// /task-events and /notification-events; the delivery worker sends e-mail, web push and webhooks;
// notification.created events go out through the outbox and the sidecar. The notification API is
// served here too, to the backend only, by Dapr service invocation (registerInvokedRoutes).
import {
  createDaprStateStore,
  createDaprTransport,
  daprSubscriptionsFor,
  environmentOrExit,
  registerDaprSubscriptions,
  registerInvokedRoutes,
  sidecarCheck,
} from "@todo/dapr";
import { openDatabase } from "@todo/db";
import { databaseCheck, OutboxRelay, outboxLagCheck } from "@todo/events";
import { createNotificationService, loadServiceConfig } from "@todo/notifications";
import { createServer, runService } from "@todo/server";

const env = await environmentOrExit(process.env, {
  required: ["DATABASE_URL"],
  optional: ["SMTP_URL", "VAPID_PUBLIC_KEY", "VAPID_PRIVATE_KEY", "APP_API_TOKEN"],
});

await runService({
  name: "notification-service",
  loadConfig: () => loadServiceConfig(env),
  // The LISTEN connection (the relay's and the delivery worker's wake-ups) and the connections of
  // the first /readyz (its three database checks) are made while the server is built.
  openDatabase: (config, connection) =>
    openDatabase(config.database, { ...connection, openEarly: { listener: true, pool: 3 } }),
  build: async ({ config, database, logger, registry }) => {
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
      logger,
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
    await registerInvokedRoutes(app, service.plugin, config.invocation);
    const relay = new OutboxRelay({
      database,
      transport: createDaprTransport({ httpPort: config.dapr.httpPort, pubsubName: config.dapr.pubsubName }),
      log: app.log,
      registry,
    });
    return {
      app,
      workers: [relay, service],
      readyFields: {
        email: config.notification.email ? "on" : "off",
        push: config.notification.push ? "on" : "off",
      },
    };
  },
});
