// `npm start`: the whole product in one process, on an embedded PostgreSQL (PGlite) by default.

import { fileURLToPath } from "node:url";
import { buildBackendFromConfig, loadBackendConfig, loadOrCreateAuthSecret } from "@todo/api";
import { migrateToLatest } from "@todo/db";
import { createInProcessBus, createMemoryStateStore, OutboxFeed, OutboxRelay } from "@todo/events";
import { createNotificationService, loadNotificationConfig } from "@todo/notifications";
import { loadOrExit, runService } from "@todo/server";
import { createScheduler } from "@todo/tasks";
import { openStartDatabase } from "./data-folder-lock.ts";

await runService({
  name: "todo-embedded",
  readyMessage: "todo platform ready (embedded mode)",
  loadConfig: () => loadBackendConfig(),
  openDatabase: async (config) => {
    const { database, unlock } = await openStartDatabase(config.database);
    await migrateToLatest(database.db);
    // Closing PGlite last flushes it to disk: nothing committed is lost.
    return {
      ...database,
      close: async () => {
        await database.close();
        await unlock();
      },
    };
  },
  build: async ({ config, database, logger, registry }) => {
    const notificationConfig = loadOrExit(() => loadNotificationConfig());
    const feed = new OutboxFeed(database);
    // The notification service: routes in the backend; events read from the outbox, not the bus (the
    // relay publishes inside its transaction, which a writing subscriber would wait for on PGlite).
    const notifications = createNotificationService({
      database,
      registry,
      stateStore: createMemoryStateStore(),
      config: notificationConfig,
      consumeFromOutbox: true,
      log: () => app.log,
    });
    const { app } = await buildBackendFromConfig(config, notificationConfig.email, {
      database,
      feed,
      registry,
      authSecret: config.authSecret ?? (await loadOrCreateAuthSecret(config.dataDir)),
      logger,
      plugins: [notifications.plugin],
      frontendDir: fileURLToPath(new URL("../../frontend/out", import.meta.url)),
    });

    // The in-process transport. Consumers in this mode follow the outbox themselves (PGlite has one
    // connection, which the relay holds while it publishes), so the bus has no subscribers: the relay
    // marks events published, which is what the retention pruning goes by.
    const relay = new OutboxRelay({
      database,
      transport: createInProcessBus().transport,
      log: app.log,
      registry,
    });
    // The cron binding's stand-in: recurring instances and due reminders, on an interval and at the
    // next due occurrence.
    const scheduler = createScheduler({ db: database.db, log: app.log, registry, wakeAtNextDue: true });
    return {
      app,
      workers: [
        feed,
        relay,
        notifications,
        // Requests first: the scheduler starts once the server listens, and each tick has a budget, so
        // work pending from before a restart (a long catch-up) cannot hold up readiness.
        {
          start: () => scheduler.startTimer(config.recurringTickMs),
          stop: () => scheduler.stop(),
          afterListen: true,
        },
      ],
      readyFields: { url: config.publicUrl, database: database.kind },
    };
  },
});
