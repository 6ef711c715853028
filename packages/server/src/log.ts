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
