"use client";

import {
  keepPreviousData,
  type QueryClient,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";
import type { CreateTaskBody, Task, UpdateTaskBody } from "@todo/contracts";
import { publicApi, type TaskQuery, type UserApi } from "@/lib/api-client";
import { useSession } from "@/lib/session";
import { noteOwnChange } from "../live/use-live-sync";
import { tagKeys } from "../tags/tag-keys";
import { patchTaskInPages, removeTaskFromPages, type TaskPages } from "./task-cache";
import { priorityKeys, taskKeys } from "./task-keys";

export const PAGE_SIZE = 20;

/** One list, paged by the API's keyset cursor ("Load more" asks for the next page). */
export function useTaskList(query: TaskQuery) {
  const { api } = useSession();
  return useInfiniteQuery({
    queryKey: taskKeys.list(query),
    queryFn: ({ pageParam, signal }) =>
      api.tasks.list({ ...query, limit: PAGE_SIZE, offset: 0, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.page.next_cursor ?? undefined,
    // Changing a filter keeps the old rows on screen until the new ones arrive.
    placeholderData: keepPreviousData,
  });
}

/**
 * How many tasks match a query (the navigation's counts): one row asked for, the total read.
 * `enabled: false` holds the request back (the counts wait until the list is on screen).
 */
export function useTaskCount(query: TaskQuery, enabled = true) {
  const { api } = useSession();
  return useQuery({
    enabled,
    queryKey: taskKeys.count(query),
    queryFn: async ({ signal }) =>
      (await api.tasks.list({ ...query, limit: 1, offset: 0 }, signal)).page.total,
  });
}

export function usePriorities() {
  return useQuery({
    queryKey: priorityKeys.all,
    queryFn: publicApi.priorities,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/**
 * After a task change: every task query, and the tags (their task counts). The promise is the
 * task queries' only: a mutation awaiting it shows the new list without waiting for the tags.
 */
function invalidateTasksAndTags(client: QueryClient) {
  void client.invalidateQueries({ queryKey: tagKeys.all });
  return client.invalidateQueries({ queryKey: taskKeys.all });
}

type Snapshot = [readonly unknown[], TaskPages | undefined][];

/** Applies an optimistic change to every cached list and returns what to put back on failure. */
async function optimistic(
  client: QueryClient,
  change: (data: TaskPages | undefined) => TaskPages | undefined,
) {
  // A refetch in flight would overwrite the optimistic rows with the old state.
  await client.cancelQueries({ queryKey: taskKeys.lists() });
  const snapshot: Snapshot = client.getQueriesData<TaskPages>({ queryKey: taskKeys.lists() });
  client.setQueriesData<TaskPages>({ queryKey: taskKeys.lists() }, change);
  return snapshot;
}

function rollback(client: QueryClient, snapshot: Snapshot | undefined): void {
  for (const [key, data] of snapshot ?? []) client.setQueryData(key, data);
}

/**
 * A task mutation shown before the API answers: `change` edits every cached list at once, an error
 * puts the lists back, and every task query refetches afterwards (a completed task leaves Today,
 * counts change).
 */
function useOptimisticTaskMutation<V extends { task: Task }, R>(
  send: (api: UserApi, vars: V) => Promise<R>,
  change: (data: TaskPages | undefined, vars: V) => TaskPages | undefined,
) {
  const { api } = useSession();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (vars: V) => send(api, vars),
    onMutate: async (vars) => {
      noteOwnChange(vars.task.id);
      return optimistic(client, (data) => change(data, vars));
    },
    onError: (_error, _vars, snapshot) => rollback(client, snapshot),
    onSettled: () => invalidateTasksAndTags(client),
  });
}

/** Complete or reopen. The state asked for, not a toggle: a double click cannot flip it back. */
export function useSetComplete() {
  return useOptimisticTaskMutation(
    (api, { task, completed }: { task: Task; completed: boolean }) =>
      api.tasks.setComplete(task.id, completed),
    (data, { task, completed }) => patchTaskInPages(data, task.id, { completed }),
  );
}

/** Delete: the row leaves at once and comes back if the API refuses. */
export function useDeleteTask() {
  return useOptimisticTaskMutation(
    (api, { task }: { task: Task }) => api.tasks.remove(task.id),
    (data, { task }) => removeTaskFromPages(data, task.id),
  );
}

/** Create, or update with If-Match (a task changed meanwhile is a 412 ApiError). */
export function useSaveTask() {
  const { api } = useSession();
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ task, body }: { task?: Task | undefined; body: CreateTaskBody | UpdateTaskBody }) =>
      task ? api.tasks.update(task.id, body, task.version) : api.tasks.create(body as CreateTaskBody),
    onSuccess: (saved) => {
      noteOwnChange(saved.id);
      client.setQueriesData<TaskPages>({ queryKey: taskKeys.lists() }, (data) =>
        patchTaskInPages(data, saved.id, saved),
      );
      // Not awaited: the form (or quick add) is done once the API has answered; the list follows.
      void invalidateTasksAndTags(client);
    },
  });
}
