import { TASK_EVENTS_TOPIC } from "@todo/contracts";
import type { DatabaseHandle, Executor } from "@todo/db";
import { type ConsumeResult, type Subscription, subscriptionConsumer } from "@todo/events";
import { deferredLog, type Log, type Registry, type RoutesPlugin } from "@todo/server";
import type { ActivityConfig } from "./config.ts";
import { PruneTimer, pruneActivity } from "./prune.ts";
import { recordActivity } from "./record-activity.ts";
import { activityRoutes } from "./routes.ts";

export const ACTIVITY_CONSUMER = "audit-service";
const PRUNE_INTERVAL_MS = 3_600_000;

export interface ActivityServiceDeps {
  database: DatabaseHandle;
  config: ActivityConfig;
  registry: Registry;
  /** A logger, or a function that answers one when needed (the host's server may not exist yet). */
  log?: Log | (() => Log);
  /** How often the retention prune runs; hourly by default. */
  pruneIntervalMs?: number;
}

/**
 * The activity log's parts, for either mode: the subscription `audit-service` on task-events (as
 * data; the host picks the driver), the routes plugin for the two activity routes, and the
 * retention prune (start()/stop(), run at start and then hourly). Creating it starts nothing.
 * notification-events carry nothing a task's history shows, so they are not read.
 */
export function createActivityService(deps: ActivityServiceDeps) {
  const log: Log = deferredLog(deps.log);
  const { db } = deps.database;
  const subscription: Subscription = {
    name: ACTIVITY_CONSUMER,
    topics: [TASK_EVENTS_TOPIC],
    handle: recordActivity,
  };
  const handle: (delivery: unknown) => Promise<ConsumeResult> = subscriptionConsumer(subscription, {
    db,
    log,
    registry: deps.registry,
  });
  const plugin = activityPlugin(db);
  const prune = async () => {
    const deleted = await pruneActivity(db, deps.config.retentionDays);
    if (deleted > 0) log.info({ deleted, retentionDays: deps.config.retentionDays }, "activity pruned");
    return deleted;
  };
  const timer = new PruneTimer(prune, deps.pruneIntervalMs ?? PRUNE_INTERVAL_MS, (error) =>
    log.error({ err: error }, "activity prune failed"),
  );
  return {
    handle,
    subscriptions: [subscription] as readonly Subscription[],
    plugin,
    prune,
    start: () => timer.start(),
    stop: () => timer.stop(),
  };
}
/**
 * The two activity routes as a routes plugin, for a host that only reads the log (the backend in
 * the distributed mode, where audit-service writes it).
 */
export function activityPlugin(db: Executor): RoutesPlugin {
  return { userRoutes: (scope) => activityRoutes(scope, { db }) };
}

export type ActivityService = ReturnType<typeof createActivityService>;
