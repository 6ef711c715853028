"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useMemo } from "react";
import { readViewState, type ViewState, writeViewState } from "./task-views";

/**
 * The current view and its filters live in the URL, so they survive a reload and can be shared or
 * bookmarked. A filter change replaces the history entry (typing is not a trail of back steps).
 */
export function useViewState(): [ViewState, (next: ViewState) => void] {
  const params = useSearchParams();
  const pathname = usePathname();
  const router = useRouter();
  const key = params.toString();
  const state = useMemo(() => readViewState(new URLSearchParams(key)), [key]);
  const setState = useCallback(
    (next: ViewState) => router.replace(`${pathname}${writeViewState(next)}`, { scroll: false }),
    [router, pathname],
  );
  return [state, setState];
}
