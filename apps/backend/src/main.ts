// The backend in the distributed mode: PostgreSQL server, events through the Dapr sidecar, the
// notification API by service invocation, credentials from the Dapr secret store.
import { activityPlugin } from "@todo/activity";
import { buildBackendFromConfig, ConfigError, loadBackendConfig } from "@todo/api";
import { createDaprTransport, environmentOrExit, invokedRoutesProxy, sidecarCheck } from "@todo/dapr";
import { migrateToLatest, openDatabase } from "@todo/db";
import { OutboxFeed, OutboxRelay, outboxLagCheck } from "@todo/events";
import { loadNotificationConfig, notificationApiPaths } from "@todo/notifications";
import { loadOrExit, runService } from "@todo/server";

const env = await environmentOrExit(process.env, {
  required: ["DATABASE_URL", "BETTER_AUTH_SECRET"],
  optional: ["SMTP_URL"],
});

await runService({
  name: "backend",
  loadConfig: () => {
    const loaded = loadBackendConfig(env);
    if (loaded.database.kind !== "postgres")
      throw new ConfigError("invalid configuration:\n  DATABASE_URL: required");
    if (!loaded.authSecret) throw new ConfigError("invalid configuration:\n  BETTER_AUTH_SECRET: required");
    return { ...loaded, database: loaded.database, authSecret: loaded.authSecret };
  },
  openDatabase: async (config, connection) => {
    // The LISTEN connection (the feed's and the relay's) and those of the first /readyz (its two
    // database checks) are made while the migrations run and the server is built.
    const database = await openDatabase(config.database, {
      ...connection,
      openEarly: { listener: true, pool: 2 },
    });
    if (config.migrateOnStart) await migrateToLatest(database.db);
    return database;
  },
  build: async ({ config, database, logger, registry }) => {
    // The notification settings only for the verification mail's SMTP; the notification API is
    // served by notification-service and reached by Dapr service invocation.
    const notificationConfig = loadOrExit(() => loadNotificationConfig(env));
    const feed = new OutboxFeed(database);
    const { app } = await buildBackendFromConfig(config, notificationConfig.email, {
      database,
      feed,
      registry,
      authSecret: config.authSecret,
      logger,
      plugins: [
        invokedRoutesProxy({
          httpPort: config.dapr.httpPort,
          appId: config.dapr.notificationAppId,
          userPaths: notificationApiPaths.user,
          publicPaths: notificationApiPaths.public,
          userIdOf: (request) => request.user!.id,
        }),
        // The activity log is written by audit-service; the backend serves it from the shared table.
        activityPlugin(database.db),
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
