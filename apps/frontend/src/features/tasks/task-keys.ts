import type { TaskQuery } from "@/lib/api-client";

/**
 * The task feature's query keys, one factory (TanStack Query's "query key factory" habit): every
 * key starts with "tasks", so one `invalidateQueries({ queryKey: taskKeys.all })` reaches lists and
 * counts alike when the live stream says a task changed.
 */
export const taskKeys = {
  all: ["tasks"] as const,
  lists: () => [...taskKeys.all, "list"] as const,
  list: (query: TaskQuery) => [...taskKeys.lists(), query] as const,
  counts: () => [...taskKeys.all, "count"] as const,
  count: (query: TaskQuery) => [...taskKeys.counts(), query] as const,
};

export const priorityKeys = { all: ["priorities"] as const };
