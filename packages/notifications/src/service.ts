import { NOTIFICATION_EVENTS_TOPIC, TASK_EVENTS_TOPIC } from "@todo/contracts";
import type { DaprSubscription } from "@todo/dapr";
import type { DatabaseHandle } from "@todo/db";
import { type ConsumeResult, consumeEvent, type StateStore } from "@todo/events";
import {
  Counter,
  type Log,
  type ReadinessCheck,
  type Registry,
  type RoutesPlugin,
  silentLog,
} from "@todo/server";
import { sql } from "kysely";
import { createEmailChannel } from "./channels/email.ts";
import type { ChannelProvider } from "./channels/provider.ts";
import { createPushChannel } from "./channels/push.ts";
import { createWebhookChannel } from "./channels/webhook.ts";
import type { NotificationConfig } from "./config.ts";
import { DeliveryWorker, type RetryPolicy } from "./delivery-worker.ts";
import { notifyForEvent } from "./event-handler.ts";
import { type NetworkPolicy, type Resolver, systemResolver } from "./network-guard.ts";
import { OutboxConsumer } from "./outbox-consumer.ts";
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
  /**
   * Embedded mode: take events straight from the outbox (see OutboxConsumer) while running. The
   * distributed mode leaves this off: Dapr calls the subscriptions' routes.
   */
  consumeFromOutbox?: boolean | { pollIntervalMs?: number };
  worker?: { pollIntervalMs?: number; concurrency?: number; leaseMs?: number };
}

/**
 * The notification service's parts, to be hosted by either mode: the event handler and its Dapr
 * subscriptions, the user-facing routes as a backend plugin, and the delivery worker. Creating it
 * starts nothing; start() runs the worker.
 */
export function createNotificationService(deps: NotificationServiceDeps) {
  const given = deps.log ?? silentLog;
  const current = typeof given === "function" ? given : () => given;
  const log: Log = {
    info: (obj, msg) => current().info(obj, msg),
    warn: (obj, msg) => current().warn(obj, msg),
    error: (obj, msg) => current().error(obj, msg),
  };
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
  const consumed =
    (deps.registry.getSingleMetric("events_consumed_total") as Counter<"consumer" | "outcome"> | undefined) ??
    new Counter({
      name: "events_consumed_total",
      help: "Events handled by consumers, by outcome (success, duplicate, retry, drop)",
      labelNames: ["consumer", "outcome"],
      registers: [deps.registry],
    });
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

  const handle = (body: unknown): Promise<ConsumeResult> =>
    consumeEvent({ db, log, consumed }, CONSUMER_NAME, body, (event, tx) =>
      notifyForEvent(providers, event, tx),
    );

  const outboxConsumer = deps.consumeFromOutbox
    ? new OutboxConsumer({
        database: deps.database,
        consumer: CONSUMER_NAME,
        topics: [TASK_EVENTS_TOPIC, NOTIFICATION_EVENTS_TOPIC],
        handle,
        log,
        ...(typeof deps.consumeFromOutbox === "object" ? deps.consumeFromOutbox : {}),
      })
    : undefined;

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
    handle,
    /**
     * Programmatic subscriptions (GET /dapr/subscribe). Since Dapr 1.18 they replace the chart's
     * declarative ones, so they carry the dead-letter topics themselves.
     */
    subscriptions(pubsubName = "task-pubsub"): DaprSubscription[] {
      return [
        {
          pubsubName,
          topic: TASK_EVENTS_TOPIC,
          route: "/task-events",
          deadLetterTopic: "task-events-dlq",
          handle,
        },
        {
          pubsubName,
          topic: NOTIFICATION_EVENTS_TOPIC,
          route: "/notification-events",
          deadLetterTopic: "notification-events-dlq",
          handle,
        },
      ];
    },
    plugin,
    readiness,
    worker,
    /** Says which channels are off, then starts the delivery worker (and the outbox consumer). */
    async start(): Promise<void> {
      for (const provider of providers) {
        if (provider.disabledReason) log.info({ channel: provider.channel }, provider.disabledReason);
      }
      await worker.start();
      await outboxConsumer?.start();
    },
    async stop(): Promise<void> {
      await outboxConsumer?.stop();
      await worker.stop();
      await Promise.all(providers.map((p) => p.close?.()));
    },
  };
}
export type NotificationService = ReturnType<typeof createNotificationService>;
