// `npm start`: the whole product in one process, on an embedded PostgreSQL (PGlite) by default.

import { fileURLToPath } from "node:url";
import { migrateToLatest } from "@todo/db";
import { createMemoryStateStore, createOutboxDriver, OutboxFeed } from "@todo/events";
import { createNotificationService, loadNotificationConfig } from "@todo/notification-service";
import { createScheduler } from "@todo/recurring-task-service";
import { closeOnSignals, createRegistry, listenOrExit, loadOrExit, serviceLogger } from "@todo/server";
import { buildBackend } from "./app.ts";
import { loadOrCreateAuthSecret } from "./auth-secret.ts";
import { loadBackendConfig } from "./config.ts";
import { openStartDatabase } from "./data-folder-lock.ts";
import { verificationMailer } from "./verification-mail.ts";

const startedAt = performance.now();
const config = loadOrExit(() => loadBackendConfig());

const { database, unlock } = await openStartDatabase(config.database);
await migrateToLatest(database.db);
const notificationConfig = loadOrExit(() => loadNotificationConfig());
const sendVerificationMail = loadOrExit(() =>
  verificationMailer(config.requireEmailVerification, notificationConfig.email),
);
const registry = createRegistry("todo-embedded");
const feed = new OutboxFeed(database);
// The notification service: routes in the backend; its subscription driven from the outbox below.
const notifications = createNotificationService({
  database,
  registry,
  stateStore: createMemoryStateStore(),
  config: notificationConfig,
  log: () => app.log,
});
const { app } = await buildBackend({
  database,
  feed,
  registry,
  authSecret: config.authSecret ?? (await loadOrCreateAuthSecret(config.dataDir)),
  publicUrl: config.publicUrl,
  trustedOrigins: config.trustedOrigins,
  signInLimitPerMinute: config.signInLimitPerMinute,
  ...(sendVerificationMail ? { sendVerificationMail } : {}),
  logger: serviceLogger(config.logLevel),
  trustProxy: config.trustProxy,
  maxActiveTemplates: config.maxActiveTemplates,
  plugins: [notifications.plugin],
  frontendDir: fileURLToPath(new URL("../../frontend/out", import.meta.url)),
});

// The outbox driver: the relay delivers every event to the subscriptions in this process.
const relay = createOutboxDriver({
  database,
  subscriptions: notifications.subscriptions,
  log: app.log,
  registry,
});
// The cron binding's stand-in: recurring instances and due reminders, on an interval and at the
// next due occurrence.
const scheduler = createScheduler({ db: database.db, log: app.log, registry, wakeAtNextDue: true });

// Closing PGlite last flushes it to disk: nothing committed is lost.
const shutdown = closeOnSignals(app.log, [
  () => app.close(),
  () => scheduler.stop(),
  () => notifications.stop(),
  () => relay.stop(),
  () => feed.stop(),
  () => database.close(),
  () => unlock(),
]);

await feed.start();
await relay.start();
await notifications.start();
// Requests first: the scheduler starts once the server listens, and each tick has a budget, so
// work pending from before a restart (a long catch-up) cannot hold up readiness.
await listenOrExit(app, { port: config.port, host: config.host }, shutdown);
scheduler.startTimer(config.recurringTickMs);
app.log.info(
  { url: config.publicUrl, database: database.kind, startup_ms: Math.round(performance.now() - startedAt) },
  "todo platform ready (embedded mode)",
);
