"use client";

import { type ReactNode, useEffect, useRef } from "react";
import { type ActivityEntry, type ActivityNames, describeActivity, describeActor } from "@/lib/activity";
import type { useActivityPages } from "@/lib/activity-pages";
import { useLiveEvents } from "@/lib/live-events";
import { formatDateTime, relativeTime } from "@/lib/time-zone";
import { FormError } from "./field";

/** The audit row lands a moment after the task event: refetch at once, then once more after this. */
export const ACTIVITY_SETTLE_MS = 1_000;

/**
 * Calls `refresh` when the live stream says a task changed (`taskId`: only that task's events)
 * or asks for a resync, and once more ACTIVITY_SETTLE_MS later, since the audit service may
 * write the row after the event has reached the browser.
 */
export function useActivityRefresh(refresh: () => void, taskId?: number): void {
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  useLiveEvents((event) => {
    if (event.type === "notification.created" || event.type === "task.due.approaching") return;
    if (event.type !== "resync" && taskId !== undefined && event.task.id !== taskId) return;
    refresh();
    clearTimeout(timer.current);
    timer.current = setTimeout(refresh, ACTIVITY_SETTLE_MS);
  });
}

interface ActivityListProps {
  entries: ActivityEntry[];
  names: ActivityNames;
  /** Name the task on each entry (the Activity page); the task's own history leaves it out. */
  showTask?: boolean;
  label: string;
}

/** Entries in the order given, each with its lines, who acted when not the user, and when. */
export function ActivityList({ entries, names, showTask = false, label }: ActivityListProps) {
  const now = Date.now();
  return (
    <ol className="activity-list" aria-label={label}>
      {entries.map((entry) => {
        const actor = describeActor(entry.actor);
        return (
          <li key={entry.id} className="activity-entry" data-event-type={entry.event_type}>
            <div className="activity-lines">
              {showTask ? (
                <span className="activity-task">{entry.task_title ?? `Task #${entry.task_id ?? "?"}`}</span>
              ) : null}
              {describeActivity(entry, names).map((line, index) => (
                // A line's text may repeat within an entry only by accident; its place is its identity.
                // biome-ignore lint/suspicious/noArrayIndexKey: lines have no ids and never reorder
                <span key={index} className="activity-line">
                  {line}
                </span>
              ))}
            </div>
            <div className="activity-meta muted">
              {actor ? <span className="activity-actor">{actor}</span> : null}
              <time
                dateTime={entry.occurred_at}
                title={formatDateTime(entry.occurred_at, names.timeZone, true)}
              >
                {relativeTime(entry.occurred_at, now)}
              </time>
            </div>
          </li>
        );
      })}
    </ol>
  );
}

interface ActivityFeedProps extends Omit<ActivityListProps, "entries"> {
  pages: ReturnType<typeof useActivityPages>;
  /** What the feed is, lower case: "the history", "the activity". */
  what: string;
  empty: ReactNode;
  emptyClassName?: string;
}

/** A paged activity list with its loading, error (with a retry), empty and "Load more" states. */
export function ActivityFeed({ pages, what, empty, emptyClassName = "muted", ...list }: ActivityFeedProps) {
  const { state, loadingMore, moreError, loadMore, refresh } = pages;
  if (state.status === "loading") return <p className="muted">Loading {what}…</p>;
  if (state.status === "error") {
    return (
      <div className="stack">
        <FormError message={`Could not load ${what}: ${state.message}`} />
        <button type="button" className="button" onClick={refresh}>
          Try again
        </button>
      </div>
    );
  }
  if (state.items.length === 0) return <p className={emptyClassName}>{empty}</p>;
  return (
    <>
      <ActivityList entries={state.items} {...list} />
      {state.nextCursor !== null ? (
        <button
          type="button"
          className="button load-more"
          onClick={() => void loadMore()}
          disabled={loadingMore}
        >
          {loadingMore ? "Loading…" : "Load more"}
        </button>
      ) : null}
      <FormError message={moreError} />
    </>
  );
}
