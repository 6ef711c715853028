export type { ServiceContext } from "./context.ts";
export { defaultPriorityId, listPriorities } from "./priorities.ts";
export * from "./recurring-tasks.ts";
export * from "./tags.ts";
export { assembleTasks, loadTask, selectTasksWithPriority, type TaskRow, toTask } from "./task-snapshot.ts";
export * from "./tasks.ts";
