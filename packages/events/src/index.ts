export { jitteredBackoffMs } from "./backoff.ts";
export { type CloudEvent, toCloudEvent, unwrapPayload } from "./cloud-event.ts";
export {
  type ConsumeResult,
  type ConsumerDeps,
  consumeEvent,
  type EventHandler,
  type Outcome,
  PermanentEventError,
} from "./consumer.ts";
export { taskSequenceSql } from "./event-sequence.ts";
export { type FeedCursor, type FeedEvent, formatCursor, OutboxFeed, parseCursor } from "./feed.ts";
export { createInProcessBus, type InProcessBus, type InProcessHandler } from "./in-process-transport.ts";
export { createOutboxDriver, type OutboxDriverOptions } from "./outbox-driver.ts";
export { type NewEvent, recordEvent, recordEvents, taskEventSql } from "./outbox-writer.ts";
export { databaseCheck, outboxLagCheck } from "./readiness.ts";
export { OutboxRelay, type RelayOptions } from "./relay.ts";
export { createMemoryStateStore, type StateStore } from "./state-store.ts";
export { type Subscription, type SubscriptionDeps, subscriptionConsumer } from "./subscription.ts";
export {
  type BulkEntry,
  type EventTransport,
  type FailedEntry,
  type OutboundEvent,
  TransportError,
} from "./transport.ts";
export { type NextRound, WakeableLoop } from "./wakeable-loop.ts";
