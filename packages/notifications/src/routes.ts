import {
  ConditionalReadHeaders,
  ConditionalWriteHeaders,
  CreatedWebhook,
  CreateWebhookBody,
  DeletePushSubscriptionBody,
  DeliveryList,
  IdempotentHeaders,
  ListDeliveriesQuery,
  ListNotificationsQuery,
  Notification,
  NotificationChannels,
  NotificationList,
  NotificationParams,
  NotificationPreferences,
  NotModified,
  Problem,
  PushSubscriptionBody,
  PushSubscriptionInfo,
  ReadAllResult,
  UpdateNotificationBody,
  UpdateNotificationPreferencesBody,
  UserItemParams,
  UserParams,
  VapidPublicKey,
  Webhook,
  WebhookList,
} from "@todo/contracts";
import type { Executor } from "@todo/db";
import type { StateStore } from "@todo/events";
import { callerId, ifMatchVersion, type Log } from "@todo/server";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { NetworkPolicy } from "./network-guard.ts";
import { listDeliveries, listNotifications, markAllRead, setNotificationRead } from "./notifications.ts";
import { getPreferences, updatePreferences } from "./preferences.ts";
import { deletePushSubscription, savePushSubscription } from "./push-subscriptions.ts";
import { createWebhook, deleteWebhook, getWebhook, listWebhooks } from "./webhooks.ts";

export interface RouteDeps {
  db: Executor;
  stateStore: StateStore;
  network: NetworkPolicy;
  vapidPublicKey: string | null;
  log: Log;
}

const errors = { 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem };
const writeErrors = { ...errors, 412: Problem, 422: Problem };

/** Mounted by the backend under /api/:user_id, behind its auth hook. */
export function notificationRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const ctx = (request: FastifyRequest) => ({ db: deps.db, userId: callerId(request) });
  const tags = ["notifications"];

  typed.get(
    "/notifications",
    {
      schema: {
        tags,
        summary: "Your notifications, newest first, with the unread count",
        params: UserParams,
        querystring: ListNotificationsQuery,
        response: { 200: NotificationList, ...errors },
      },
    },
    (request) => listNotifications(ctx(request), request.query),
  );
  typed.post(
    "/notifications/read-all",
    {
      schema: {
        tags,
        summary: "Mark every notification read",
        params: UserParams,
        response: { 200: ReadAllResult, ...errors },
      },
    },
    (request) => markAllRead(ctx(request)),
  );
  typed.patch(
    "/notifications/:id",
    {
      schema: {
        tags,
        summary: "Mark a notification read or unread",
        params: NotificationParams,
        body: UpdateNotificationBody,
        response: { 200: Notification, ...errors },
      },
    },
    (request) => setNotificationRead(ctx(request), request.params.id, request.body.read),
  );
  typed.get(
    "/notifications/:id/deliveries",
    {
      schema: {
        tags,
        summary: "How the notification's event went out by e-mail, push and webhook: status and attempts",
        params: NotificationParams,
        querystring: ListDeliveriesQuery,
        response: { 200: DeliveryList, ...errors },
      },
    },
    (request) =>
      listDeliveries(
        { ...ctx(request), stateStore: deps.stateStore, log: deps.log },
        request.params.id,
        request.query,
      ),
  );
  typed.get(
    "/notification-preferences",
    {
      schema: {
        tags,
        summary: "Which channels each event type reaches you on (defaults filled in)",
        params: UserParams,
        response: { 200: NotificationPreferences, ...errors },
      },
    },
    (request) => getPreferences(deps.db, callerId(request)),
  );
  typed.put(
    "/notification-preferences",
    {
      schema: {
        tags,
        summary: "Change channels per event type; what is not named is kept",
        params: UserParams,
        body: UpdateNotificationPreferencesBody,
        response: { 200: NotificationPreferences, ...errors },
      },
    },
    (request) => updatePreferences(deps.db, callerId(request), request.body),
  );
  typed.post(
    "/push-subscriptions",
    {
      schema: {
        tags,
        summary: "Register this browser's PushSubscription for web push",
        params: UserParams,
        body: PushSubscriptionBody,
        response: { 201: PushSubscriptionInfo, ...errors },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await savePushSubscription({ ...ctx(request), network: deps.network }, request.body)),
  );
  typed.delete(
    "/push-subscriptions",
    {
      schema: {
        tags,
        summary: "Forget a PushSubscription by its endpoint (done even if it was already gone)",
        params: UserParams,
        body: DeletePushSubscriptionBody,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await deletePushSubscription(ctx(request), request.body.endpoint);
      return reply.code(204).send(null);
    },
  );
  typed.get(
    "/webhooks",
    {
      schema: {
        tags,
        summary: "Your webhooks (secrets are not shown again)",
        params: UserParams,
        response: { 200: WebhookList, ...errors },
      },
    },
    async (request) => ({ items: await listWebhooks(ctx(request)) }),
  );
  typed.post(
    "/webhooks",
    {
      schema: {
        tags,
        summary: "Add a webhook (Standard Webhooks signatures); the answer holds its secret, once",
        params: UserParams,
        headers: IdempotentHeaders,
        body: CreateWebhookBody,
        response: { 201: CreatedWebhook, ...writeErrors },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await createWebhook({ ...ctx(request), network: deps.network }, request.body)),
  );
  typed.get(
    "/webhooks/:id",
    {
      schema: {
        tags,
        summary: "One webhook (with its ETag; the secret is not shown again)",
        params: UserItemParams,
        headers: ConditionalReadHeaders,
        response: { 200: Webhook, 304: NotModified, ...errors },
      },
    },
    (request) => getWebhook(ctx(request), request.params.id),
  );
  typed.delete(
    "/webhooks/:id",
    {
      schema: {
        tags,
        summary: "Delete a webhook",
        params: UserItemParams,
        headers: ConditionalWriteHeaders,
        response: { 204: z.null(), ...writeErrors },
      },
    },
    async (request, reply) => {
      await deleteWebhook(ctx(request), request.params.id, ifMatchVersion(request));
      return reply.code(204).send(null);
    },
  );
}

/** Registered at the root without authentication. */
export function publicNotificationRoutes(
  app: FastifyInstance,
  deps: Pick<RouteDeps, "vapidPublicKey"> & { channels: NotificationChannels },
): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    "/api/notifications/channels",
    {
      schema: {
        tags: ["notifications"],
        summary: "Which channels this server delivers on (e-mail needs SMTP_URL, push the VAPID keys)",
        security: [],
        response: { 200: NotificationChannels },
      },
    },
    async () => deps.channels,
  );
  app.withTypeProvider<ZodTypeProvider>().get(
    "/api/notifications/vapid-public-key",
    {
      schema: {
        tags: ["notifications"],
        summary: "The VAPID public key for PushManager.subscribe, or null when web push is off",
        security: [],
        response: { 200: VapidPublicKey },
      },
    },
    async () => ({ public_key: deps.vapidPublicKey }),
  );
}
