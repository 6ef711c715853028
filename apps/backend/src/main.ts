// The backend in the distributed mode: PostgreSQL server, events through the Dapr sidecar.
import { buildBackendFromConfig, ConfigError, loadBackendConfig } from "@todo/api";
import { createDaprStateStore, createDaprTransport, sidecarCheck } from "@todo/dapr";
import { migrateToLatest, openDatabase } from "@todo/db";
import { OutboxFeed, OutboxRelay, outboxLagCheck } from "@todo/events";
import { createNotificationService, loadNotificationConfig } from "@todo/notifications";
import { loadOrExit, runService } from "@todo/server";

await runService({
  name: "backend",
  loadConfig: () => {
    const loaded = loadBackendConfig();
    if (loaded.database.kind !== "postgres")
      throw new ConfigError("invalid configuration:\n  DATABASE_URL: required");
    if (!loaded.authSecret) throw new ConfigError("invalid configuration:\n  BETTER_AUTH_SECRET: required");
    return { ...loaded, database: loaded.database, authSecret: loaded.authSecret };
  },
  openDatabase: async (config) => {
    const database = await openDatabase(config.database);
    if (config.migrateOnStart) await migrateToLatest(database.db);
    return database;
  },
  build: async ({ config, database, logger, registry }) => {
    const notificationConfig = loadOrExit(() => loadNotificationConfig());
    const feed = new OutboxFeed(database);
    // The notification API's routes run here; its worker and subscriptions run in notification-service.
    const notifications = createNotificationService({
      database,
      registry,
      stateStore: createDaprStateStore({
        httpPort: config.dapr.httpPort,
        storeName: config.dapr.stateStoreName,
      }),
      config: notificationConfig,
    });
    const { app } = await buildBackendFromConfig(config, notificationConfig.email, {
      database,
      feed,
      registry,
      authSecret: config.authSecret,
      logger,
      plugins: [
        notifications.plugin,
        { readiness: [sidecarCheck(config.dapr.httpPort), outboxLagCheck(database)] },
      ],
    });
    const relay = new OutboxRelay({
      database,
      transport: createDaprTransport({ httpPort: config.dapr.httpPort, pubsubName: config.dapr.pubsubName }),
      log: app.log,
      registry,
    });
    return { app, workers: [feed, relay] };
  },
});
