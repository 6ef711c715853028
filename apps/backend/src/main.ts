// The backend in the distributed mode: PostgreSQL server, events through the Dapr sidecar.

import { buildBackend, ConfigError, loadBackendConfig, verificationMailer } from "@todo/api";
import { createDaprStateStore, createDaprTransport, sidecarCheck } from "@todo/dapr";
import { migrateToLatest, openDatabase } from "@todo/db";
import { OutboxFeed, OutboxRelay, outboxLagCheck } from "@todo/events";
import { createNotificationService, loadNotificationConfig } from "@todo/notifications";
import { closeOnSignals, createRegistry, listenOrExit, loadOrExit, serviceLogger } from "@todo/server";

const startedAt = performance.now();
const config = loadOrExit(() => {
  const loaded = loadBackendConfig();
  if (loaded.database.kind !== "postgres")
    throw new ConfigError("invalid configuration:\n  DATABASE_URL: required");
  if (!loaded.authSecret) throw new ConfigError("invalid configuration:\n  BETTER_AUTH_SECRET: required");
  return loaded;
});

const database = await openDatabase(config.database);
if (config.migrateOnStart) await migrateToLatest(database.db);
const notificationConfig = loadOrExit(() => loadNotificationConfig());
const sendVerificationMail = loadOrExit(() =>
  verificationMailer(config.requireEmailVerification, notificationConfig.email),
);
const registry = createRegistry("backend");
const feed = new OutboxFeed(database);
// The notification API's routes run here; its worker and subscriptions run in notification-service.
const notifications = createNotificationService({
  database,
  stateStore: createDaprStateStore({ httpPort: config.dapr.httpPort, storeName: config.dapr.stateStoreName }),
  config: notificationConfig,
});
const { app } = await buildBackend({
  database,
  feed,
  registry,
  authSecret: config.authSecret!,
  publicUrl: config.publicUrl,
  trustedOrigins: config.trustedOrigins,
  signInLimitPerMinute: config.signInLimitPerMinute,
  ...(sendVerificationMail ? { sendVerificationMail } : {}),
  logger: serviceLogger(config.logLevel),
  trustProxy: config.trustProxy,
  maxActiveTemplates: config.maxActiveTemplates,
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

const shutdown = closeOnSignals(app.log, [
  () => app.close(),
  () => relay.stop(),
  () => feed.stop(),
  () => database.close(),
]);

await feed.start();
await relay.start();
await listenOrExit(app, { port: config.port, host: config.host }, shutdown);
app.log.info({ startup_ms: Math.round(performance.now() - startedAt) }, "backend ready");
