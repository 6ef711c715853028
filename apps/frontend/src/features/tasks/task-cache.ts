import type { InfiniteData } from "@tanstack/react-query";
import type { Task, TaskList } from "@todo/contracts";

/** A list query's cached pages (cursor paging). */
export type TaskPages = InfiniteData<TaskList, string | undefined>;

/** The pages with one task replaced by `patch` applied to it; other tasks and paging kept. */
export function patchTaskInPages(data: TaskPages | undefined, id: number, patch: Partial<Task>) {
  if (!data) return data;
  return {
    ...data,
    pages: data.pages.map((page) => ({
      ...page,
      items: page.items.map((task) => (task.id === id ? { ...task, ...patch } : task)),
    })),
  };
}

/** The pages without one task; each page's total drops by one when the task was there. */
export function removeTaskFromPages(data: TaskPages | undefined, id: number) {
  if (!data) return data;
  const present = data.pages.some((page) => page.items.some((task) => task.id === id));
  if (!present) return data;
  return {
    ...data,
    pages: data.pages.map((page) => ({
      ...page,
      items: page.items.filter((task) => task.id !== id),
      page: { ...page.page, total: Math.max(0, page.page.total - 1) },
    })),
  };
}

/** Every page's tasks in order, each once (a task may move between pages while they load). */
export function flattenPages(data: { pages: TaskList[] } | undefined): Task[] {
  if (!data) return [];
  const seen = new Set<number>();
  const out: Task[] = [];
  for (const page of data.pages) {
    for (const task of page.items) {
      if (seen.has(task.id)) continue;
      seen.add(task.id);
      out.push(task);
    }
  }
  return out;
}
