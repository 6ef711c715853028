export { type DaprSubscription, registerDaprSubscriptions } from "./dapr-subscriptions.ts";
export { createDaprTransport, type DaprTransportOptions } from "./dapr-transport.ts";
export { sidecarCheck } from "./sidecar-check.ts";
export { createDaprStateStore, type DaprStateStoreOptions, StateStoreError } from "./state-store.ts";
export { daprSubscriptionsFor } from "./subscription-driver.ts";
