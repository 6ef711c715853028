"use client";

import { type QueryClient, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { CreateTagBody, Tag, Task, UpdateTagBody } from "@todo/contracts";
import { useSession } from "@/lib/session";
import { taskKeys } from "../tasks/task-keys";
import { tagKeys } from "./tag-keys";

/** The API's order: by name. */
export const byName = (a: Tag, b: Tag) => a.name.localeCompare(b.name);

/** The user's tags, each with its task count, sorted by name. */
export function useTags() {
  const { api } = useSession();
  return useQuery({
    queryKey: tagKeys.all,
    queryFn: async () => (await api.tags.list()).sort(byName),
    select: withoutHeld,
  });
}

/** Adds a tag the user just created to the cached list, sorted as the API sorts it. */
export function addTagToCache(client: QueryClient, tag: Tag): void {
  client.setQueryData<Tag[]>(tagKeys.all, (tags = []) =>
    [...tags.filter((t) => t.id !== tag.id), tag].sort(byName),
  );
}

/** Tasks deleted on screen whose DELETE is held back for Undo: task id → its tag ids. */
const heldOut = new Map<number, number[]>();

/** The counts as they will be once the held-back deletes are sent. */
function withoutHeld(tags: Tag[]): Tag[] {
  if (heldOut.size === 0) return tags;
  const minus = new Map<number, number>();
  for (const ids of heldOut.values()) for (const id of ids) minus.set(id, (minus.get(id) ?? 0) + 1);
  return tags.map((t) =>
    minus.has(t.id) ? { ...t, task_count: Math.max(0, t.task_count - minus.get(t.id)!) } : t,
  );
}

/**
 * Counts a task out of its tags' task counts while its delete is held back for Undo (`held`
 * true), or back in when undone (false). Every reader of useTags sees the counts the server will
 * have, whether the list is cached or refetched.
 */
export function holdTaskOutOfTags(client: QueryClient, task: Pick<Task, "id" | "tags">, held: boolean): void {
  if (held)
    heldOut.set(
      task.id,
      task.tags.map((t) => t.id),
    );
  else if (!heldOut.delete(task.id)) return;
  // A new array makes every useTags select again.
  client.setQueryData<Tag[]>(tagKeys.all, (tags) => tags && [...tags]);
}

/**
 * The held-back DELETE has been sent: stop counting the task out. Nothing is selected again, so
 * the counts shown stay right until the refetch (it waits for the DELETE: see api-client's
 * read-your-writes) brings the server's own; the tags are invalidated for it.
 */
export function releaseSentDelete(client: QueryClient, taskId: number): void {
  if (heldOut.delete(taskId)) void client.invalidateQueries({ queryKey: tagKeys.all });
}

/**
 * Changes the cached list at once and returns what to put back if the API refuses; a refetch in
 * flight is cancelled first, or it would bring back the old list.
 */
async function changeTags(client: QueryClient, change: (tags: Tag[]) => Tag[]) {
  await client.cancelQueries({ queryKey: tagKeys.all });
  const before = client.getQueryData<Tag[]>(tagKeys.all);
  if (before) client.setQueryData<Tag[]>(tagKeys.all, change(before));
  return before;
}

function useTagMutation<V, R>(
  send: (vars: V) => Promise<R>,
  change: (tags: Tag[], vars: V) => Tag[],
  settled: readonly (readonly unknown[])[] = [tagKeys.all],
) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: send,
    onMutate: (vars: V) => changeTags(client, (tags) => change(tags, vars)),
    onError: (_error, _vars, before) => {
      if (before) client.setQueryData(tagKeys.all, before);
    },
    onSettled: () => Promise.all(settled.map((queryKey) => client.invalidateQueries({ queryKey }))),
  });
}

export function useCreateTag() {
  const { api } = useSession();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateTagBody) => api.tags.create(body),
    onSuccess: (tag) => addTagToCache(client, tag),
  });
}

/** Rename or recolor: shown at once, put back if the API refuses. Tasks show tags too: they refetch. */
export function useUpdateTag() {
  const { api } = useSession();
  return useTagMutation(
    ({ tag, body }: { tag: Tag; body: UpdateTagBody }) => api.tags.update(tag.id, body),
    (tags, { tag, body }) => tags.map((t) => (t.id === tag.id ? { ...t, ...body } : t)).sort(byName),
    [tagKeys.all, taskKeys.all],
  );
}

/** Delete: the row leaves at once and comes back if the API refuses; tasks lose the tag. */
export function useDeleteTag() {
  const { api } = useSession();
  return useTagMutation(
    (tag: Tag) => api.tags.remove(tag.id),
    (tags, tag) => tags.filter((t) => t.id !== tag.id),
    [tagKeys.all, taskKeys.all],
  );
}
