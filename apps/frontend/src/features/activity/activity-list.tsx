"use client";

import type { ReactNode } from "react";
import { FormError } from "@/components/field";
import { type ActivityEntry, type ActivityNames, describeActivity, describeActor } from "@/lib/activity";
import { describeError } from "@/lib/api-client";
import { formatDateTime, relativeTime } from "@/lib/time-zone";
import type { ActivityPages } from "./use-activity-pages";

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
  pages: ActivityPages;
  /** What the feed is, lower case: "the history", "the activity". */
  what: string;
  empty: ReactNode;
  emptyClassName?: string;
}

/** A paged activity list with its loading, error (with a retry), empty and "Load more" states. */
export function ActivityFeed({ pages, what, empty, emptyClassName = "muted", ...list }: ActivityFeedProps) {
  const { query, items } = pages;
  if (query.isPending) return <p className="muted">Loading {what}…</p>;
  if (query.isError && !query.isFetchNextPageError) {
    return (
      <div className="stack">
        <FormError message={`Could not load ${what}: ${describeError(query.error)}`} />
        <button type="button" className="button" onClick={() => void query.refetch()}>
          Try again
        </button>
      </div>
    );
  }
  if (items.length === 0) return <p className={emptyClassName}>{empty}</p>;
  return (
    <>
      <ActivityList entries={items} {...list} />
      {query.hasNextPage ? (
        <button
          type="button"
          className="button load-more"
          onClick={() => void query.fetchNextPage()}
          disabled={query.isFetchingNextPage}
        >
          {query.isFetchingNextPage ? "Loading…" : "Load more"}
        </button>
      ) : null}
      <FormError message={query.isFetchNextPageError ? describeError(query.error) : undefined} />
    </>
  );
}
