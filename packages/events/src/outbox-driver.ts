import type { DatabaseHandle } from "@todo/db";
import { createInProcessBus } from "./in-process-transport.ts";
import { OutboxRelay, type RelayOptions } from "./relay.ts";
import { type Subscription, subscriptionConsumer } from "./subscription.ts";
import type { OutboundEvent } from "./transport.ts";

export interface OutboxDriverOptions extends Omit<RelayOptions, "transport"> {
  subscriptions: readonly Subscription[];
  /** RETRY answers for one event before a subscription's copy goes to the dead letters (8). */
  maxAttempts?: number;
}

/**
 * The embedded mode's driver: the outbox relay publishes onto an in-process bus whose
 * subscribers are the subscriptions, each through its idempotent consumer. A RETRY makes the
 * publish fail, so the relay backs off and delivers again (to the subscriptions that have not
 * taken the event yet); after `maxAttempts`, or at once on DROP, the event is written to
 * `dead_letters` and marked processed for that subscription. The relay holds no transaction while
 * it publishes, so subscriptions write to the same (single-connection) database freely.
 * Start and stop the answered relay.
 */
export function createOutboxDriver(options: OutboxDriverOptions): OutboxRelay {
  const { subscriptions, maxAttempts, ...relayOptions } = options;
  const { database, log, registry } = options;
  const bus = createInProcessBus({
    ...(maxAttempts ? { maxAttempts } : {}),
    pause: () => database.slices.pause(),
    onDeadLetter: (consumer, message, reason) => deadLetter(database, log, consumer, message, reason),
  });
  const deps = { db: database.db, log, registry };
  for (const subscription of subscriptions) {
    const consume = subscriptionConsumer(subscription, deps);
    for (const topic of subscription.topics) bus.subscribe(topic, subscription.name, consume);
  }
  return new OutboxRelay({ ...relayOptions, transport: bus.transport });
}

async function deadLetter(
  database: DatabaseHandle,
  log: RelayOptions["log"],
  consumer: string,
  message: OutboundEvent,
  reason: string,
): Promise<void> {
  log.error({ consumer, event_id: message.event.id, reason }, "event dead-lettered");
  await database.db.transaction().execute(async (tx) => {
    await tx
      .insertInto("dead_letters")
      .values({
        consumer,
        event_id: message.event.id,
        topic: message.topic,
        payload: JSON.stringify(message.event),
        reason,
      })
      .execute();
    await tx
      .insertInto("processed_events")
      .values({ consumer, event_id: message.event.id })
      .onConflict((oc) => oc.doNothing())
      .execute();
  });
}
