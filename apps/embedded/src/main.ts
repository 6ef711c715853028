// `npm start`: the whole product in one process, on an embedded PostgreSQL (PGlite) by default.

import { fileURLToPath } from "node:url";
import { loadBackendConfig } from "@todo/api/config";
import { migrateToLatest } from "@todo/db";
import { loadOrExit, runService } from "@todo/server";
import { openStartDatabase } from "./data-folder-lock.ts";

// The composition (the backend, notifications, activity, events, tasks: about a second of CPU to
// load) is imported once the data folder is locked and open: a start refused for a folder in use
// or not a database folder ends without loading it.
const composition = () =>
  Promise.all([
    import("@todo/activity"),
    import("@todo/api"),
    import("@todo/events"),
    import("@todo/notifications"),
    import("@todo/tasks"),
  ]);

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
    const [
      { createActivityService, loadActivityConfig },
      { buildBackendFromConfig, loadOrCreateAuthSecret },
      { createMemoryStateStore, createOutboxDriver, OutboxFeed },
      { createNotificationService, loadNotificationConfig },
      { createScheduler },
    ] = await composition();
    const notificationConfig = loadOrExit(() => loadNotificationConfig());
    const feed = new OutboxFeed(database);
    // The notification service: routes in the backend; its subscription driven from the outbox below.
    const notifications = createNotificationService({
      database,
      registry,
      stateStore: createMemoryStateStore(),
      config: notificationConfig,
      log: () => app.log,
    });
    // The activity log: its routes in the backend; its subscription (audit-service) from the outbox.
    const activity = createActivityService({
      database,
      registry,
      config: loadOrExit(() => loadActivityConfig()),
      log: () => app.log,
    });
    const { app } = await buildBackendFromConfig(config, notificationConfig.email, {
      database,
      feed,
      registry,
      authSecret: config.authSecret ?? (await loadOrCreateAuthSecret(config.dataDir)),
      logger,
      plugins: [notifications.plugin, activity.plugin],
      frontendDir: fileURLToPath(new URL("../../frontend/out", import.meta.url)),
    });

    // The outbox driver: the relay delivers every event to the subscriptions in this process.
    const relay = createOutboxDriver({
      database,
      subscriptions: [...notifications.subscriptions, ...activity.subscriptions],
      log: app.log,
      registry,
    });
    // The cron binding's stand-in: recurring instances and due reminders, on an interval and at the
    // next due occurrence; in PGlite's time slices, so requests are served during a long catch-up.
    const scheduler = createScheduler({
      db: database.db,
      log: app.log,
      registry,
      wakeAtNextDue: true,
      slices: database.slices,
    });
    return {
      app,
      workers: [
        feed,
        relay,
        notifications,
        activity,
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
