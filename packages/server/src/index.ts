export { etagOf, ifMatchVersion, registerConditionalRequests } from "./conditional.ts";
export {
  ConfigError,
  Flag,
  LogLevel,
  loadOrExit,
  Port,
  PostgresUrl,
  parseEnv,
  serviceEnv,
  serviceSettings,
} from "./config.ts";
export { createServer, type ServerOptions } from "./create-server.ts";
export { type ReadinessCheck, registerHealth } from "./health.ts";
export { deferredLog, type Log, silentLog } from "./log.ts";
export { serviceLogger } from "./logger.ts";
export { loggableUrl, REDACTED_LOG_PATHS, serializeError, withLogPolicy } from "./logging.ts";
export { Counter, createRegistry, Gauge, Histogram, type Registry, registerMetrics } from "./metrics.ts";
export {
  isDatabaseUnavailable,
  problemBody,
  registerProblemHandlers,
  sendProblem,
  UNAVAILABLE_RETRY_AFTER_SECONDS,
} from "./problem.ts";
export { callerId, type RoutesPlugin } from "./routes-plugin.ts";
export {
  type BaseServiceConfig,
  type RunningService,
  runService,
  type ServiceParts,
  type ServiceSpec,
  type Worker,
} from "./run-service.ts";
export { closeOnSignals, listenFailure, listenOrExit } from "./shutdown.ts";
