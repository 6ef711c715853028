import { NOTIFICATION_EVENTS_TOPIC, TASK_EVENTS_TOPIC } from "@todo/contracts";
import type { DatabaseHandle } from "@todo/db";
import { type ConsumeResult, type StateStore, type Subscription, subscriptionConsumer } from "@todo/events";
import { deferredLog, type Log, type ReadinessCheck, type Registry, type RoutesPlugin } from "@todo/server";
import { sql } from "kysely";
import { createEmailChannel } from "./channels/email.ts";
import type { ChannelProvider } from "./channels/provider.ts";
import { createPushChannel } from "./channels/push.ts";
import { createWebhookChannel } from "./channels/webhook.ts";
import type { NotificationConfig } from "./config.ts";
import { DeliveryWorker, type RetryPolicy } from "./delivery-worker.ts";
import { notifyForEvent } from "./event-handler.ts";
import { type NetworkPolicy, type Resolver, systemResolver } from "./network-guard.ts";
import { notificationRoutes, publicNotificationRoutes } from "./routes.ts";

export const CONSUMER_NAME = "notification-service";

export interface NotificationServiceDeps {
  database: DatabaseHandle;
  stateStore: StateStore;
  config: NotificationConfig;
  /** A logger, or a function that answers one when needed (the host's server may not exist yet). */
  log?: Log | (() => Log);
  /** Where the service's metrics go (notification_deliveries_total, events consumed). */
  registry: Registry;
  /** DNS for webhook and push URLs; tests pass their own. */
  resolve?: Resolver;
  retry?: Partial<RetryPolicy>;
  worker?: { pollIntervalMs?: number; concurrency?: number; leaseMs?: number };
}

/**
 * The notification service's parts, to be hosted by either mode: its event subscription (as data;
 * the host picks the driver), the user-facing routes as a backend plugin, and the delivery worker.
 * Creating it starts nothing; start() runs the worker.
 */
export function createNotificationService(deps: NotificationServiceDeps) {
  const log: Log = deferredLog(deps.log);
  const { db } = deps.database;
  const network: NetworkPolicy = {
    allowPrivateNetworks: deps.config.webhooks.allowPrivateNetworks,
    resolve: deps.resolve ?? systemResolver,
  };
  const timeoutMs = deps.config.webhooks.timeoutMs;
  const providers: ChannelProvider[] = [
    createEmailChannel(deps.config.email),
    createPushChannel({ db, vapid: deps.config.push, network, timeoutMs }),
    createWebhookChannel({ db, network, timeoutMs }),
  ];
  const worker = new DeliveryWorker({
    database: deps.database,
    providers,
    stateStore: deps.stateStore,
    log,
    registry: deps.registry,
    ...(deps.retry ? { retry: deps.retry } : {}),
    ...deps.worker,
  });

  const readiness: ReadinessCheck[] = [
    {
      name: "notification_backlog",
      critical: false,
      check: async () => {
        const { rows } = await sql<{ age: number | null }>`
          SELECT extract(epoch FROM now() - min(next_attempt_at))::float8 AS age
          FROM notification_deliveries WHERE status IN ('pending', 'failed') AND next_attempt_at <= now()`.execute(
          db,
        );
        const age = Number(rows[0]?.age ?? 0);
        return age > 300 ? `the oldest due delivery has waited ${Math.round(age)} s` : null;
      },
    },
  ];

  const subscription: Subscription = {
    name: CONSUMER_NAME,
    topics: [TASK_EVENTS_TOPIC, NOTIFICATION_EVENTS_TOPIC],
    handle: (event, tx) => notifyForEvent(providers, event, tx),
  };
  const handle: (delivery: unknown) => Promise<ConsumeResult> = subscriptionConsumer(subscription, {
    db,
    log,
    registry: deps.registry,
  });

  const plugin: Required<RoutesPlugin> = {
    userRoutes: (scope) =>
      notificationRoutes(scope, {
        db,
        stateStore: deps.stateStore,
        network,
        vapidPublicKey: deps.config.push?.publicKey ?? null,
        log,
      }),
    publicRoutes: (app) =>
      publicNotificationRoutes(app, {
        vapidPublicKey: deps.config.push?.publicKey ?? null,
        channels: {
          in_app: true,
          email: deps.config.email !== null,
          push: deps.config.push !== null,
          webhook: true,
        },
      }),
    readiness,
  };

  return {
    /** One delivery through the subscription's idempotent consumer, as either driver hands it. */
    handle,
    /** What this service consumes; the composition root picks the driver that delivers to it. */
    subscriptions: [subscription] as readonly Subscription[],
    plugin,
    readiness,
    worker,
    /** Says which channels are off, then starts the delivery worker. */
    async start(): Promise<void> {
      for (const provider of providers) {
        if (provider.disabledReason) log.info({ channel: provider.channel }, provider.disabledReason);
      }
      await worker.start();
    },
    async stop(): Promise<void> {
      await worker.stop();
      await Promise.all(providers.map((p) => p.close?.()));
    },
  };
}
export type NotificationService = ReturnType<typeof createNotificationService>;
