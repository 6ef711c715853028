import type { ActivityQuery } from "@/lib/api-client";

/** The activity feature's query keys: the Activity page's filtered list and each task's history. */
export const activityKeys = {
  all: ["activity"] as const,
  list: (query: ActivityQuery) => [...activityKeys.all, "list", query] as const,
  task: (taskId: number) => [...activityKeys.all, "task", taskId] as const,
};
