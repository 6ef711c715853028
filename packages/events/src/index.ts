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
export {
  type InvokeProxyOptions,
  type InvokeRoutes,
  registerInvokeProxy,
  requireDaprCaller,
  type TrustedCallerOptions,
  USER_ID_HEADER,
} from "./dapr-invocation.ts";
export {
  environmentOrExit,
  environmentWithSecrets,
  readDaprSecrets,
  type SecretKeys,
  type SecretStoreSettings,
  secretStoreSettings,
} from "./dapr-secrets.ts";
export { type DaprSubscription, registerDaprSubscriptions } from "./dapr-subscriptions.ts";
export { createDaprTransport, type DaprTransportOptions } from "./dapr-transport.ts";
export { type FeedCursor, type FeedEvent, formatCursor, OutboxFeed, parseCursor } from "./feed.ts";
export { createInProcessBus, type InProcessBus, type InProcessHandler } from "./in-process-transport.ts";
export { type NewEvent, recordEvent, recordEvents } from "./outbox-writer.ts";
export { databaseCheck, outboxLagCheck, sidecarCheck } from "./readiness.ts";
export { OutboxRelay, type RelayOptions } from "./relay.ts";
export {
  createDaprStateStore,
  createMemoryStateStore,
  type DaprStateStoreOptions,
  type StateStore,
  StateStoreError,
} from "./state-store.ts";
export { type EventTransport, type OutboundEvent, TransportError } from "./transport.ts";
export { type NextRound, WakeableLoop } from "./wakeable-loop.ts";
