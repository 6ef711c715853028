import type { Database } from "@todo/db";
import { Counter, type Log, type Registry } from "@todo/server";
import type { Kysely } from "kysely";
import { type ConsumeResult, consumeEvent, type EventHandler } from "./consumer.ts";

/**
 * One consumer of events, as data: what it is called, which topics it reads, and what it does
 * with one event inside the transaction that marks the event processed. Drivers deliver to it:
 * the Dapr driver (HTTP subscription routes) in the distributed mode, the outbox driver (the
 * relay onto the in-process bus) in the embedded mode; both go through `consumeEvent`.
 */
export interface Subscription {
  /** The consumer name: `processed_events.consumer`, `dead_letters.consumer`, the metrics label. */
  name: string;
  topics: readonly string[];
  handle: EventHandler;
}

export interface SubscriptionDeps {
  db: Kysely<Database>;
  log: Log;
  /** Where `events_consumed_total{consumer, outcome}` is counted. */
  registry: Registry;
}

/**
 * The idempotent consumer of one subscription: a delivery as it arrives (a CloudEvent or its
 * bare data) → `consumeEvent` → SUCCESS, RETRY or DROP.
 */
export function subscriptionConsumer(
  subscription: Subscription,
  deps: SubscriptionDeps,
): (delivery: unknown) => Promise<ConsumeResult> {
  const consumerDeps = { db: deps.db, log: deps.log, consumed: consumedCounter(deps.registry) };
  return (delivery) => consumeEvent(consumerDeps, subscription.name, delivery, subscription.handle);
}

function consumedCounter(registry: Registry): Counter<"consumer" | "outcome"> {
  return (
    (registry.getSingleMetric("events_consumed_total") as Counter<"consumer" | "outcome"> | undefined) ??
    new Counter({
      name: "events_consumed_total",
      help: "Events handled by consumers, by outcome (success, duplicate, retry, drop)",
      labelNames: ["consumer", "outcome"],
      registers: [registry],
    })
  );
}
