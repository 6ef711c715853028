import type { FastifyServerOptions } from "fastify";

/**
 * Log fields that never reach the output, wherever a caller puts them (pino `redact` paths):
 * credentials in headers, and secrets, tokens, passwords and e-mail addresses in any object logged
 * at the top level or one level down. OWASP ASVS 7.1.1/7.1.2: no credentials or personal data in logs.
 */
export const REDACTED_LOG_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  ...[
    "password",
    "newPassword",
    "currentPassword",
    "secret",
    "token",
    "email",
    "p256dh",
    "auth",
    "keys",
  ].flatMap((key) => [key, `*.${key}`]),
];

/** Query parameters whose values are the user's own words or credentials: logged as "[redacted]". */
const PRIVATE_QUERY_PARAMETERS = new Set(["search", "q", "token", "code", "email", "password"]);

/** A request URL as the log keeps it: search terms and tokens in the query string replaced. */
export function loggableUrl(url: string): string {
  const question = url.indexOf("?");
  if (question === -1) return url;
  const params = new URLSearchParams(url.slice(question + 1));
  for (const key of new Set(params.keys())) {
    if (PRIVATE_QUERY_PARAMETERS.has(key.toLowerCase())) params.set(key, "[redacted]");
  }
  return `${url.slice(0, question)}?${params.toString().replaceAll("%5Bredacted%5D", "[redacted]")}`;
}

/** What of an error the log keeps: its kind, message, SQLSTATE and schema names, and its stack. */
const KEPT_ERROR_FIELDS = [
  "code",
  "constraint",
  "table",
  "column",
  "schema",
  "routine",
  "severity",
  "statusCode",
];

export type LoggedError = { type: string; message: string; stack: string; [field: string]: unknown };

/**
 * An error as the log keeps it: `{type, message, stack}`, the SQLSTATE (`code`) and the names of
 * the constraint, table and column a database error gives, the statement's verb and table when the
 * driver attaches the statement (`statement: "insert into webhooks"`), and its cause the same way.
 * Never the statement's parameters (PGlite's `params`), its text, or PostgreSQL's `detail`
 * ("Failing row contains (…)"), `where` and `hint`, which carry the row's values: secrets,
 * keys and e-mail addresses.
 */
export function serializeError(error: unknown, depth = 0): LoggedError {
  if (!(error instanceof Error))
    return { type: typeof error, message: "a non-Error value was thrown", stack: "" };
  const fields = error as unknown as Record<string, unknown>;
  const out: LoggedError = { type: error.name, message: error.message, stack: error.stack ?? "" };
  for (const key of KEPT_ERROR_FIELDS) {
    if (typeof fields[key] === "string" || typeof fields[key] === "number") out[key] = fields[key];
  }
  if (typeof fields.query === "string") {
    const statement = /^\s*(insert\s+into|update|delete\s+from|select\b.*?\bfrom|with)\s+("?[\w.]+"?)/is.exec(
      fields.query,
    );
    if (statement)
      out.statement = `${statement[1]!.split(/\s/)[0]!.toLowerCase()} ${statement[2]!.replaceAll('"', "")}`;
  }
  if (error.cause !== undefined && depth < 3) out.cause = serializeError(error.cause, depth + 1);
  return out;
}

type LoggerOptions = Exclude<FastifyServerOptions["logger"], boolean | undefined>;

/**
 * The logging policy every service's Fastify logger gets: JSON lines (pino), the REDACTED_LOG_PATHS
 * censored, errors through serializeError, request URLs through loggableUrl. `false` stays off.
 */
export function withLogPolicy(logger: FastifyServerOptions["logger"]): FastifyServerOptions["logger"] {
  if (logger === false || logger === undefined) return logger;
  const options: LoggerOptions = logger === true ? {} : logger;
  return {
    ...options,
    redact: { paths: REDACTED_LOG_PATHS, censor: "[redacted]" },
    serializers: {
      ...options.serializers,
      err: serializeError,
      req: (request: { method: string; url: string; hostname?: string; ip?: string; id?: string }) => ({
        method: request.method,
        url: loggableUrl(request.url),
        host: request.hostname,
        remoteAddress: request.ip,
      }),
    },
  };
}
