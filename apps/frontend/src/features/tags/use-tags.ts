"use client";

import { type QueryClient, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { CreateTagBody, Tag, UpdateTagBody } from "@todo/contracts";
import { useSession } from "@/lib/session";
import { taskKeys } from "../tasks/task-keys";
import { tagKeys } from "./tag-keys";

/** The API's order: by name. */
export const byName = (a: Tag, b: Tag) => a.name.localeCompare(b.name);

/**
 * The user's tags, each with its task count, sorted by name. `fresh`: read again on every mount
 * (the tags page, whose counts must include what this tab has just sent: a delete held for Undo
 * goes out as the person leaves the list, and the read waits for it, see api-client).
 */
export function useTags({ fresh = false }: { fresh?: boolean } = {}) {
  const { api } = useSession();
  return useQuery({
    queryKey: tagKeys.all,
    queryFn: async () => (await api.tags.list()).sort(byName),
    ...(fresh ? { refetchOnMount: "always" as const } : {}),
  });
}

/** Adds a tag the user just created to the cached list, sorted as the API sorts it. */
export function addTagToCache(client: QueryClient, tag: Tag): void {
  client.setQueryData<Tag[]>(tagKeys.all, (tags = []) =>
    [...tags.filter((t) => t.id !== tag.id), tag].sort(byName),
  );
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
