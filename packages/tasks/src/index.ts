export type { ServiceContext } from "./context.ts";
export { defaultPriorityId, listPriorities } from "./priorities.ts";
export {
  createRecurringInstances,
  followCompletedInstance,
  type RecurringOccurrence,
} from "./recurring-instances.ts";
export * from "./recurring-tasks.ts";
export {
  DEFAULT_TICK_BUDGET,
  MAX_CATCH_UP,
  runRecurringTick,
  type TickBudget,
  UNLIMITED_TICK,
} from "./recurring-tick.ts";
export { runReminderTick } from "./reminder-tick.ts";
export {
  DEFAULT_REMINDER_OFFSETS,
  nextReminderAt,
  REMINDER_GRACE_MINUTES,
  reminderWindowOpen,
} from "./reminders.ts";
export { createScheduler, type Scheduler, type TickSummary } from "./scheduler.ts";
export * from "./tags.ts";
export {
  type FilteredTasks,
  filterTasks,
  listTasksJson,
  pageOfTasks,
  type TaskOrder,
  taskOrder,
} from "./task-list.ts";
export { loadTask, selectTasksWithPriority, type TaskRow, tagsJson, taskJson } from "./task-snapshot.ts";
export * from "./tasks.ts";
