// The audit service in the distributed mode: Dapr delivers task events to /task-events; each is
// written once to task_activity (the activity log). The backend serves the log from that table.
// A timer prunes rows past the retention (ACTIVITY_RETENTION_DAYS).
import { createActivityService, loadAuditServiceConfig } from "@todo/activity";
import { daprSubscriptionsFor, environmentOrExit, registerDaprSubscriptions, sidecarCheck } from "@todo/dapr";
import { openDatabase } from "@todo/db";
import { databaseCheck } from "@todo/events";
import { createServer, runService } from "@todo/server";

const env = await environmentOrExit(process.env, { required: ["DATABASE_URL"], optional: [] });

await runService({
  name: "audit-service",
  loadConfig: () => loadAuditServiceConfig(env),
  openDatabase: (config, connection) => openDatabase(config.database, connection),
  build: async ({ config, database, logger, registry }) => {
    const activity = createActivityService({
      database,
      registry,
      config: config.activity,
      log: () => app.log,
    });
    const app = await createServer({
      service: "audit-service",
      logger,
      registry,
      readiness: [databaseCheck(database), sidecarCheck(config.dapr.httpPort)],
    });
    registerDaprSubscriptions(
      app,
      daprSubscriptionsFor(activity.subscriptions, {
        pubsubName: config.dapr.pubsubName,
        db: database.db,
        log: app.log,
        registry,
      }),
    );
    return {
      app,
      workers: [activity],
      readyFields: { retentionDays: config.activity.retentionDays },
    };
  },
});
