"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { ActivityEntry, ActivityPage } from "./activity";
import { describeError } from "./api-client";

/** The API's default page size; its maximum is 200. */
export const ACTIVITY_PAGE_SIZE = 50;
const MAX_LIMIT = 200;

export type LoadActivity = (
  cursor: string | undefined,
  limit: number,
  signal: AbortSignal,
) => Promise<ActivityPage>;

export type ActivityState =
  | { status: "loading" }
  | { status: "error"; message: string }
  | { status: "ready"; items: ActivityEntry[]; nextCursor: string | null };

/**
 * Keyset paging over an activity endpoint. `key` names the query: when it changes, the list starts
 * again from the first page. `refresh` reloads what is shown (as many rows as were loaded, up to
 * the API's maximum) so live updates keep the pages already opened.
 */
export function useActivityPages(load: LoadActivity, key: string) {
  const [state, setState] = useState<ActivityState>({ status: "loading" });
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<string | undefined>();
  const loaded = useRef(0);
  const latest = useRef(load);
  latest.current = load;
  const inFlight = useRef<AbortController | null>(null);

  const fetchFirst = useCallback((limit: number, quiet: boolean) => {
    inFlight.current?.abort();
    const controller = new AbortController();
    inFlight.current = controller;
    if (!quiet) setState({ status: "loading" });
    latest
      .current(undefined, limit, controller.signal)
      .then((page) => {
        loaded.current = page.items.length;
        setState({ status: "ready", items: page.items, nextCursor: page.next_cursor });
      })
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        setState({ status: "error", message: describeError(error) });
      });
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for the query `load` closes over
  useEffect(() => {
    loaded.current = 0;
    setMoreError(undefined);
    fetchFirst(ACTIVITY_PAGE_SIZE, false);
    return () => inFlight.current?.abort();
  }, [key, fetchFirst]);

  const refresh = useCallback(() => {
    fetchFirst(Math.min(MAX_LIMIT, Math.max(ACTIVITY_PAGE_SIZE, loaded.current)), true);
  }, [fetchFirst]);

  const loadMore = useCallback(async () => {
    if (state.status !== "ready" || state.nextCursor === null) return;
    setLoadingMore(true);
    setMoreError(undefined);
    try {
      const page = await latest.current(state.nextCursor, ACTIVITY_PAGE_SIZE, new AbortController().signal);
      const seen = new Set(state.items.map((item) => item.id));
      const items = [...state.items, ...page.items.filter((item) => !seen.has(item.id))];
      loaded.current = items.length;
      setState({ status: "ready", items, nextCursor: page.next_cursor });
    } catch (error) {
      setMoreError(describeError(error));
    } finally {
      setLoadingMore(false);
    }
  }, [state]);

  return { state, loadingMore, moreError, loadMore, refresh };
}
