"use client";

import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  ApiError,
  type CreateWebhookInput,
  type PreferencesUpdate,
  publicApi,
  type WebhookItem,
} from "@/lib/api-client";
import { useSession } from "@/lib/session";
import { settingsKeys } from "./settings-keys";

/** A feature the server does not have (an older backend answers 404): the section says so. */
export const unavailable = (error: unknown) => error instanceof ApiError && error.status === 404;

export function usePreferences() {
  const { api } = useSession();
  return useQuery({ queryKey: settingsKeys.preferences(), queryFn: () => api.notifications.preferences() });
}

export function useSavePreferences() {
  const { api } = useSession();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: PreferencesUpdate) => api.notifications.savePreferences(body),
    onSuccess: (saved) => client.setQueryData(settingsKeys.preferences(), saved),
  });
}

/** What this server delivers on (e-mail, push need configuration); an error leaves every channel choosable. */
export function useOfferedChannels() {
  return useQuery({
    queryKey: settingsKeys.channels(),
    queryFn: publicApi.notificationChannels,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** The server's VAPID public key (null when web push is not configured), for `client.fetchQuery`. */
export const vapidKeyQuery = queryOptions({
  queryKey: settingsKeys.vapidKey(),
  queryFn: async () => (await publicApi.vapidPublicKey()).public_key,
  staleTime: Number.POSITIVE_INFINITY,
});

export function useWebhooks() {
  const { api } = useSession();
  return useQuery({ queryKey: settingsKeys.webhooks(), queryFn: () => api.webhooks.list() });
}

/** Create: the answer carries the secret (shown once); the cached list keeps the webhook without it. */
export function useCreateWebhook() {
  const { api } = useSession();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateWebhookInput) => api.webhooks.create(body),
    onSuccess: ({ secret: _secret, ...listed }) =>
      client.setQueryData<WebhookItem[]>(settingsKeys.webhooks(), (list = []) => [...list, listed]),
  });
}

/** Delete: the webhook leaves at once and comes back if the API refuses. */
export function useDeleteWebhook() {
  const { api } = useSession();
  const client = useQueryClient();
  const key = settingsKeys.webhooks();
  return useMutation({
    mutationFn: (webhook: WebhookItem) => api.webhooks.remove(webhook.id),
    onMutate: async (webhook) => {
      await client.cancelQueries({ queryKey: key });
      const before = client.getQueryData<WebhookItem[]>(key);
      if (before)
        client.setQueryData(
          key,
          before.filter((w) => w.id !== webhook.id),
        );
      return before;
    },
    onError: (_error, _webhook, before) => {
      if (before) client.setQueryData(key, before);
    },
    onSettled: () => client.invalidateQueries({ queryKey: key }),
  });
}
