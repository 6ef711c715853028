"use client";

import { type Ref, useState } from "react";
import { useAnnounce } from "@/lib/announcer";
import { describeError } from "@/lib/api-client";
import { useSession } from "@/lib/session";
import { formatDateTime, relativeTime } from "@/lib/time-zone";
import {
  notificationsUnavailable,
  useLatestNotifications,
  useMarkAllRead,
  useMarkRead,
} from "./use-notifications";

/** The bell's panel: the latest notifications, mark one or all read. */
export function NotificationPanel({ open, panelRef }: { open: boolean; panelRef: Ref<HTMLElement> }) {
  const { timeZone } = useSession();
  const announce = useAnnounce();
  const latest = useLatestNotifications();
  const markRead = useMarkRead();
  const markAllRead = useMarkAllRead();
  const [actionError, setActionError] = useState<string | undefined>();
  const act = async (send: () => Promise<unknown>, done: string) => {
    setActionError(undefined);
    try {
      await send();
      announce(done);
    } catch (error) {
      setActionError(describeError(error));
    }
  };
  const list = latest.data;

  return (
    <section
      ref={panelRef}
      id="notification-panel"
      className="bell-panel"
      aria-label="Notifications"
      hidden={!open}
    >
      <div className="bell-panel-header">
        <h2>Notifications</h2>
        {list && list.unread_count > 0 ? (
          <button
            type="button"
            className="button button-quiet"
            onClick={() =>
              void act(() => markAllRead.mutateAsync(undefined), "All notifications marked as read")
            }
          >
            Mark all read
          </button>
        ) : null}
      </div>
      {actionError ? (
        <p className="form-error" role="alert">
          {actionError}
        </p>
      ) : null}
      {latest.isPending ? <p className="muted">Loading…</p> : null}
      {latest.isError && notificationsUnavailable(latest.error) ? (
        <p className="muted">Notifications are not available on this server yet.</p>
      ) : null}
      {latest.isError && !notificationsUnavailable(latest.error) ? (
        <p className="form-error">Could not load notifications: {describeError(latest.error)}</p>
      ) : null}
      {list?.items.length === 0 ? (
        <p className="muted">No notifications yet. You will see reminders and updates here.</p>
      ) : null}
      {list && list.items.length > 0 ? (
        <ul className="notification-list">
          {list.items.map((n) => (
            <li key={n.id} className={n.read ? "notification" : "notification notification-unread"}>
              <div>
                <p className="notification-title">
                  {n.read ? null : <span className="visually-hidden">Unread: </span>}
                  {n.title}
                </p>
                {n.body ? <p className="notification-body">{n.body}</p> : null}
                <p className="muted small">
                  <time dateTime={n.created_at} title={formatDateTime(n.created_at, timeZone, true)}>
                    {relativeTime(n.created_at)}
                  </time>
                </p>
              </div>
              {n.read ? null : (
                <button
                  type="button"
                  className="button button-quiet"
                  onClick={() => void act(() => markRead.mutateAsync(n.id), "Marked as read")}
                  aria-label={`Mark read: “${n.title}”`}
                >
                  Mark read
                </button>
              )}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
