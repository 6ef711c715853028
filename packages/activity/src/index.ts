export {
  type ActivityConfig,
  type AuditServiceConfig,
  loadActivityConfig,
  loadAuditServiceConfig,
} from "./config.ts";
export { listActivity, listTaskActivity } from "./list-activity.ts";
export { PruneTimer, pruneActivity } from "./prune.ts";
export { changesOf, recordActivity } from "./record-activity.ts";
export { activityRoutes } from "./routes.ts";
export { ACTIVITY_CONSUMER, type ActivityService, activityPlugin, createActivityService } from "./service.ts";
