"use client";

import type { Notification, Task } from "@todo/contracts";
import { createContext, type ReactNode, useContext, useEffect, useRef, useState } from "react";

export const TASK_EVENT_TYPES = [
  "task.created",
  "task.updated",
  "task.completed",
  "task.deleted",
  "task.due.approaching",
] as const;
export type TaskEventType = (typeof TASK_EVENT_TYPES)[number];

export type LiveEvent =
  | { type: TaskEventType; task: Task; source: string | undefined }
  | { type: "notification.created"; notification: Notification }
  /** The stream was re-opened from scratch: events may have been missed, so refetch. */
  | { type: "resync" };

export type LiveStatus = "connecting" | "open" | "offline";
type Listener = (event: LiveEvent) => void;

interface LiveContextValue {
  subscribe: (listener: Listener) => () => void;
  status: LiveStatus;
}

const LiveContext = createContext<LiveContextValue>({ subscribe: () => () => {}, status: "offline" });

export function useLiveStatus(): LiveStatus {
  return useContext(LiveContext).status;
}

/** Calls the listener for every live event while the component is mounted. */
export function useLiveEvents(listener: Listener): void {
  const { subscribe } = useContext(LiveContext);
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => subscribe((event) => latest.current(event)), [subscribe]);
}

/** One SSE message as a live event; null for what it cannot read. */
export function parseLiveEvent(type: string, data: string): LiveEvent | null {
  let body: unknown;
  try {
    body = JSON.parse(data);
  } catch {
    return null;
  }
  if (typeof body !== "object" || body === null) return null;
  if (type === "notification.created") {
    // `{notification}`, or the whole event envelope with it under `data`: both are accepted.
    const message = body as { notification?: Notification; data?: { notification?: Notification } };
    const notification = message.notification ?? message.data?.notification;
    return notification ? { type, notification } : null;
  }
  const payload = body as { data?: { task?: Task }; source?: string };
  const task = payload.data?.task;
  return task ? { type: type as TaskEventType, task, source: payload.source } : null;
}

const MAX_RETRY_MS = 60_000;

/**
 * One EventSource per page. The browser reconnects by itself and sends Last-Event-ID, so the server
 * resumes without gaps; only when it gives up (a non-200 answer) do we open a new one, later, and
 * ask listeners to refetch since events may have been missed meanwhile. The server's own `resync`
 * event (it could not resume from our Last-Event-ID) asks them to refetch too.
 */
export function LiveEventsProvider({ url, children }: { url: string; children: ReactNode }) {
  const listeners = useRef(new Set<Listener>());
  const [status, setStatus] = useState<LiveStatus>("connecting");
  const [value] = useState(() => ({
    subscribe: (listener: Listener) => {
      listeners.current.add(listener);
      return () => {
        listeners.current.delete(listener);
      };
    },
  }));

  useEffect(() => {
    if (typeof EventSource === "undefined") {
      setStatus("offline");
      return;
    }
    let source: EventSource | null = null;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let retryMs = 2_000;
    let needsResync = false;
    const emit = (event: LiveEvent) => {
      for (const listener of listeners.current) listener(event);
    };
    const open = () => {
      source = new EventSource(url);
      source.onopen = () => {
        setStatus("open");
        retryMs = 2_000;
        if (needsResync) emit({ type: "resync" });
        needsResync = false;
      };
      source.onerror = () => {
        if (source?.readyState === EventSource.CLOSED) {
          setStatus("offline");
          source.close();
          needsResync = true;
          retryTimer = setTimeout(open, retryMs);
          retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
        } else {
          setStatus("connecting");
        }
      };
      // The server could not resume from our Last-Event-ID (pruned, or another database): reload.
      source.addEventListener("resync", () => emit({ type: "resync" }));
      for (const type of [...TASK_EVENT_TYPES, "notification.created"]) {
        source.addEventListener(type, (message) => {
          const event = parseLiveEvent(type, (message as MessageEvent<string>).data);
          if (event) emit(event);
        });
      }
    };
    open();
    return () => {
      clearTimeout(retryTimer);
      source?.close();
    };
  }, [url]);

  const context = { subscribe: value.subscribe, status };
  return <LiveContext.Provider value={context}>{children}</LiveContext.Provider>;
}
