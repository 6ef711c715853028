"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useMemo, useRef } from "react";
import { readViewState, type ViewState, writeViewState } from "./task-views";

/**
 * The current view and its filters live in the URL, so they survive a reload and can be shared or
 * bookmarked. A filter change replaces the history entry (typing is not a trail of back steps).
 */
export function useViewState(): [ViewState, (change: (current: ViewState) => ViewState) => void] {
  const params = useSearchParams();
  const pathname = usePathname();
  const router = useRouter();
  const key = params.toString();
  const state = useMemo(() => readViewState(new URLSearchParams(key)), [key]);
  // The last state asked for: router.replace lands later, and a second change made before it
  // lands (a select, then typing in search) must build on the first, not on the old URL.
  const latest = useRef(state);
  useEffect(() => {
    latest.current = state;
  }, [state]);
  const setState = useCallback(
    (change: (current: ViewState) => ViewState) => {
      const next = change(latest.current);
      latest.current = next;
      router.replace(`${pathname}${writeViewState(next)}`, { scroll: false });
    },
    [router, pathname],
  );
  return [state, setState];
}
