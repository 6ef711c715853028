"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import type { ActivityEntry, ActivityPage } from "@/lib/activity";

/** The API's default page size; its maximum is 200. */
export const ACTIVITY_PAGE_SIZE = 50;

export type LoadActivity = (
  cursor: string | undefined,
  limit: number,
  signal: AbortSignal,
) => Promise<ActivityPage>;

/**
 * Keyset paging over an activity endpoint, cached under `queryKey` (activityKeys): "Load more"
 * asks for the next cursor; the live stream's invalidation refetches every page already opened.
 * `items` is the pages joined, an entry seen twice (it moved between pages) kept once.
 */
export function useActivityPages(queryKey: readonly unknown[], load: LoadActivity) {
  const query = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam, signal }) => load(pageParam, ACTIVITY_PAGE_SIZE, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const seen = new Set<number>();
  const items: ActivityEntry[] = [];
  for (const entry of query.data?.pages.flatMap((page) => page.items) ?? []) {
    if (seen.has(entry.id)) continue;
    seen.add(entry.id);
    items.push(entry);
  }
  return { query, items };
}

export type ActivityPages = ReturnType<typeof useActivityPages>;
