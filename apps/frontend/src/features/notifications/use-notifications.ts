"use client";

import { type QueryClient, queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { Notification, NotificationList } from "@todo/contracts";
import { ApiError, type UserApi } from "@/lib/api-client";
import { useSession } from "@/lib/session";
import { notificationKeys } from "./notification-keys";

/** The bell shows this many, newest first. */
export const LATEST = 20;

/** The notification API may be absent on an older backend (404): the bell then says so. */
export const notificationsUnavailable = (error: unknown) => error instanceof ApiError && error.status === 404;

/** The latest notifications and the unread count; new ones arrive through the live stream. */
export function useLatestNotifications() {
  const { api } = useSession();
  return useQuery(latestNotificationsQuery(api));
}

export const latestNotificationsQuery = (api: UserApi) =>
  queryOptions({
    queryKey: notificationKeys.latest(),
    queryFn: () => api.notifications.list({ limit: LATEST }),
  });

/**
 * A notification from the live stream goes to the top of the bell's list, once. When the list is
 * not cached yet, it is fetched first (or the fetch in flight awaited) and the notification merged
 * into what arrives, since that list may or may not already hold it.
 */
export async function addLiveNotification(client: QueryClient, api: UserApi, n: Notification): Promise<void> {
  await client.ensureQueryData(latestNotificationsQuery(api));
  client.setQueryData<NotificationList>(notificationKeys.latest(), (list) => {
    if (!list || list.items.some((item) => item.id === n.id)) return list;
    const items = [n, ...list.items].slice(0, LATEST);
    return { ...list, items, unread_count: list.unread_count + (n.read ? 0 : 1) };
  });
}

type Change = (list: NotificationList) => NotificationList;

/** Reads shown at once; the list is put back if the API refuses, and fetched again afterwards. */
function useReadMutation<V>(send: (vars: V) => Promise<unknown>, change: (vars: V) => Change) {
  const client = useQueryClient();
  const key = notificationKeys.latest();
  return useMutation({
    mutationFn: send,
    onMutate: async (vars: V) => {
      await client.cancelQueries({ queryKey: key });
      const before = client.getQueryData<NotificationList>(key);
      if (before) client.setQueryData<NotificationList>(key, change(vars)(before));
      return before;
    },
    onError: (_error, _vars, before) => restore(client, before),
    onSettled: () => client.invalidateQueries({ queryKey: key }),
  });
}

function restore(client: QueryClient, before: NotificationList | undefined): void {
  if (before) client.setQueryData(notificationKeys.latest(), before);
}

export function useMarkRead() {
  const { api } = useSession();
  return useReadMutation(
    (id: number) => api.notifications.markRead(id),
    (id) => (list) => ({
      ...list,
      items: list.items.map((n) => (n.id === id ? { ...n, read: true } : n)),
      unread_count: Math.max(0, list.unread_count - (list.items.some((n) => n.id === id && !n.read) ? 1 : 0)),
    }),
  );
}

export function useMarkAllRead() {
  const { api } = useSession();
  return useReadMutation(
    (_: undefined) => api.notifications.markAllRead(),
    () => (list) => ({ ...list, items: list.items.map((n) => ({ ...n, read: true })), unread_count: 0 }),
  );
}
