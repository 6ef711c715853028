// The notification service in the distributed mode: Dapr delivers task and notification events to
// /task-events and /notification-events; the delivery worker sends e-mail, web push and webhooks;
// notification.created events go out through the outbox and the sidecar. The user-facing routes
// are served by the backend (it adds this service's plugin).
import {
  createDaprStateStore,
  createDaprTransport,
  daprSubscriptionsFor,
  registerDaprSubscriptions,
  sidecarCheck,
} from "@todo/dapr";
import { openDatabase } from "@todo/db";
import { databaseCheck, OutboxRelay, outboxLagCheck } from "@todo/events";
import { createNotificationService, loadServiceConfig } from "@todo/notifications";
import { createServer, runService } from "@todo/server";

await runService({
  name: "notification-service",
  loadConfig: () => loadServiceConfig(),
  openDatabase: (config) => openDatabase(config.database),
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
