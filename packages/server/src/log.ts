/**
 * What code that logs is given: pino's call shape `(fields, message)`, so a Fastify `app.log` (or
 * `request.log`) fits as it is. Fields are structured (`{ err }`, `{ event_id }`), never
 * interpolated into the message.
 */
export interface Log {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** Discards everything: for tools and tests that have nothing to say. */
export const silentLog: Log = { info() {}, warn() {}, error() {} };

/**
 * A logger, or a function that answers one when needed (a host's server, whose `app.log` a
 * service logs through, may be built after the service), as one Log that asks on every call.
 */
export function deferredLog(given: Log | (() => Log) | undefined): Log {
  const current = typeof given === "function" ? given : () => given ?? silentLog;
  return {
    info: (fields, message) => current().info(fields, message),
    warn: (fields, message) => current().warn(fields, message),
    error: (fields, message) => current().error(fields, message),
  };
}
