// `npm start`: the whole product in one process, on an embedded PostgreSQL (PGlite) by default.

import { fileURLToPath } from "node:url";
import { migrateToLatest, openDatabase } from "@todo/db";
import { createInProcessBus, createMemoryStateStore, OutboxFeed, OutboxRelay } from "@todo/events";
import { createNotificationService, loadNotificationConfig } from "@todo/notification-service";
import { createScheduler } from "@todo/recurring-task-service";
import { createRegistry, loadOrExit } from "@todo/server";
import closeWithGrace from "close-with-grace";
import { buildBackend } from "./app.ts";
import { loadOrCreateAuthSecret } from "./auth-secret.ts";
import { loadBackendConfig } from "./config.ts";

const startedAt = performance.now();
const config = loadOrExit(() => loadBackendConfig());

const database = await openDatabase(config.database);
await migrateToLatest(database.db);
const registry = createRegistry("todo-embedded");
const feed = new OutboxFeed(database);
// The notification service: routes in the backend; events read from the outbox, not the bus (the
// relay publishes inside its transaction, which a writing subscriber would wait for on PGlite).
const notifications = createNotificationService({
  database,
  registry,
  stateStore: createMemoryStateStore(),
  config: loadOrExit(() => loadNotificationConfig()),
  consumeFromOutbox: true,
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
  logger: { level: config.logLevel },
  trustProxy: config.trustProxy,
  plugins: [notifications.plugin],
  frontendDir: fileURLToPath(new URL("../../frontend/out", import.meta.url)),
});

// The services' event handlers subscribe to this bus; the relay feeds it from the outbox.
const bus = createInProcessBus({
  onDeadLetter: async (consumer, message, reason) => {
    app.log.error({ consumer, event_id: message.event.id, reason }, "event dead-lettered");
    await database.db
      .insertInto("dead_letters")
      .values({
        consumer,
        event_id: message.event.id,
        topic: message.topic,
        payload: JSON.stringify(message.event),
        reason,
      })
      .execute();
  },
});
const relay = new OutboxRelay({ database, transport: bus.transport, log: app.log, registry });
// The cron binding's stand-in: recurring instances and due reminders.
const scheduler = createScheduler({ db: database.db, log: app.log, registry });

closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
  if (err) app.log.error({ err }, "shutting down after an error");
  else app.log.info({ signal }, "shutting down");
  await app.close();
  await scheduler.stop();
  await notifications.stop();
  await relay.stop();
  await feed.stop();
  // Closing PGlite flushes it to disk; nothing committed is lost.
  await database.close();
});

await feed.start();
await relay.start();
await notifications.start();
scheduler.startTimer(config.recurringTickMs);
await app.listen({ port: config.port, host: config.host });
app.log.info(
  { url: config.publicUrl, database: database.kind, startup_ms: Math.round(performance.now() - startedAt) },
  "todo platform ready (embedded mode)",
);
