"use client";

import type { Notification } from "@todo/contracts";
import { useCallback, useEffect, useRef, useState } from "react";
import { useAnnounce } from "@/lib/announcer";
import { ApiError, describeError } from "@/lib/api-client";
import { useLiveEvents } from "@/lib/live-events";
import { useSession } from "@/lib/session";
import { formatDateTime, relativeTime } from "@/lib/time-zone";

type State =
  | { status: "loading" }
  | { status: "unavailable" }
  | { status: "error"; message: string }
  | { status: "ready"; items: Notification[]; unread: number };

/** The header bell: unread count, the latest notifications, mark read. Updated live. */
export function NotificationBell() {
  const { api, timeZone } = useSession();
  const announce = useAnnounce();
  const [state, setState] = useState<State>({ status: "loading" });
  const [open, setOpen] = useState(false);
  const [actionError, setActionError] = useState<string | undefined>();
  const buttonRef = useRef<HTMLButtonElement>(null);
  const panelRef = useRef<HTMLElement>(null);

  const load = useCallback(
    () =>
      api.notifications
        .list({ limit: 20 })
        .then((list) => setState({ status: "ready", items: list.items, unread: list.unread_count }))
        .catch((error: unknown) => {
          // The notification API may be absent on an older backend: the bell then says so.
          if (error instanceof ApiError && error.status === 404) setState({ status: "unavailable" });
          else setState({ status: "error", message: describeError(error) });
        }),
    [api],
  );

  useEffect(() => {
    void load();
  }, [load]);

  useLiveEvents((event) => {
    if (event.type === "resync") {
      void load();
      return;
    }
    // A task shown as done may have been reopened: its "Completed" notification is withdrawn.
    if (
      event.type === "task.updated" &&
      !event.task.completed &&
      state.status === "ready" &&
      state.items.some((item) => item.task_id === event.task.id && item.event_type === "task.completed")
    ) {
      void load();
      return;
    }
    if (event.type !== "notification.created") return;
    const n = event.notification;
    // Before the first list arrives, a merge could be overwritten by it: fetch the list again instead.
    if (state.status !== "ready") void load();
    setState((s) => {
      if (s.status !== "ready") return s;
      if (s.items.some((item) => item.id === n.id)) return s;
      return { status: "ready", items: [n, ...s.items].slice(0, 20), unread: s.unread + (n.read ? 0 : 1) };
    });
    announce(`New notification: ${n.title}`);
  });

  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      const target = event.target as Node;
      if (!panelRef.current?.contains(target) && !buttonRef.current?.contains(target)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") {
        setOpen(false);
        buttonRef.current?.focus();
      }
    };
    document.addEventListener("pointerdown", onPointer);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("pointerdown", onPointer);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);

  async function markRead(n: Notification) {
    setActionError(undefined);
    try {
      const updated = await api.notifications.markRead(n.id);
      setState((s) =>
        s.status === "ready"
          ? {
              ...s,
              items: s.items.map((item) => (item.id === updated.id ? updated : item)),
              unread: Math.max(0, s.unread - (n.read ? 0 : 1)),
            }
          : s,
      );
      announce("Marked as read");
    } catch (error) {
      setActionError(describeError(error));
    }
  }

  async function markAllRead() {
    setActionError(undefined);
    try {
      await api.notifications.markAllRead();
      setState((s) =>
        s.status === "ready"
          ? { ...s, items: s.items.map((item) => ({ ...item, read: true })), unread: 0 }
          : s,
      );
      announce("All notifications marked as read");
    } catch (error) {
      setActionError(describeError(error));
    }
  }

  const unread = state.status === "ready" ? state.unread : 0;
  const label = unread > 0 ? `Notifications, ${unread} unread` : "Notifications";
  return (
    <div className="bell">
      <button
        ref={buttonRef}
        type="button"
        className="bell-button"
        aria-label={label}
        aria-expanded={open}
        aria-controls="notification-panel"
        onClick={() => {
          setOpen((o) => !o);
          if (!open && state.status === "error") void load();
        }}
      >
        <svg aria-hidden="true" width="20" height="20" viewBox="0 0 24 24" focusable="false">
          <path
            fill="currentColor"
            d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1Z"
          />
        </svg>
        {unread > 0 ? (
          <span className="bell-count" aria-hidden="true" data-testid="unread-count">
            {unread > 99 ? "99+" : unread}
          </span>
        ) : null}
      </button>
      <section
        ref={panelRef}
        id="notification-panel"
        className="bell-panel"
        aria-label="Notifications"
        hidden={!open}
      >
        <div className="bell-panel-header">
          <h2>Notifications</h2>
          {state.status === "ready" && state.unread > 0 ? (
            <button type="button" className="button button-quiet" onClick={() => void markAllRead()}>
              Mark all read
            </button>
          ) : null}
        </div>
        {actionError ? (
          <p className="form-error" role="alert">
            {actionError}
          </p>
        ) : null}
        {state.status === "loading" ? <p className="muted">Loading…</p> : null}
        {state.status === "unavailable" ? (
          <p className="muted">Notifications are not available on this server yet.</p>
        ) : null}
        {state.status === "error" ? (
          <p className="form-error">Could not load notifications: {state.message}</p>
        ) : null}
        {state.status === "ready" && state.items.length === 0 ? (
          <p className="muted">No notifications yet. You will see reminders and updates here.</p>
        ) : null}
        {state.status === "ready" && state.items.length > 0 ? (
          <ul className="notification-list">
            {state.items.map((n) => (
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
                    onClick={() => void markRead(n)}
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
    </div>
  );
}
