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
export { registerInvokedRoutes } from "./invoked-routes.ts";
export { invokedRoutesProxy, type RoutesProxyOptions } from "./routes-proxy.ts";
export { sidecarCheck } from "./sidecar-check.ts";
export { createDaprStateStore, type DaprStateStoreOptions, StateStoreError } from "./state-store.ts";
export { daprSubscriptionsFor } from "./subscription-driver.ts";
