import { STATUS_CODES } from "node:http";
import {
  asSentence,
  type ErrorCode,
  type FieldError,
  type Problem,
  ServiceError,
  statusByCode,
} from "@todo/contracts";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from "fastify-type-provider-zod";

export function problemBody(
  request: FastifyRequest,
  code: ErrorCode | string,
  status: number,
  detail?: string,
  errors?: FieldError[],
): Problem {
  return {
    type: `about:blank#${code}`,
    // The standard reason phrase of every status (Node's table), so no answer says just "Error".
    title: STATUS_CODES[status] ?? "Error",
    status,
    code,
    ...(detail ? { detail } : {}),
    instance: request.url.split("?")[0],
    request_id: request.id,
    ...(errors?.length ? { errors } : {}),
  };
}

export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  code: ErrorCode,
  detail?: string,
  errors?: FieldError[],
): FastifyReply {
  const status = statusByCode[code];
  return reply
    .code(status)
    .type("application/problem+json")
    .send(problemBody(request, code, status, detail, errors));
}

const fastifyCodes: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: "malformed_json",
  FST_ERR_CTP_EMPTY_JSON_BODY: "malformed_json",
  FST_ERR_CTP_BODY_TOO_LARGE: "payload_too_large",
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "unsupported_media_type",
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: "malformed_json",
};

/**
 * SQLSTATEs (PostgreSQL Appendix A, class 22 "data exception") that only a value the client sent
 * can cause once the schemas have passed it: a byte sequence the encoding refuses (NUL), a
 * character the encoding cannot hold, a number or a date out of the column's range. They are the
 * backstop behind the schemas: a 400 invalid_input, never a 500.
 */
const inputErrorStates = new Set(["22021", "22P05", "22003", "22008", "22007", "22P02", "22001"]);

function isInputError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && inputErrorStates.has(code);
}

/**
 * SQLSTATEs of a database that cannot serve now (PostgreSQL Appendix A): class 08 "connection
 * exception", 57P01-57P03 (shut down by an administrator, crashed, starting up or shutting
 * down), 53300 too many connections. With the socket errors of a server that is not there and
 * node-postgres's messages for a connection that ended, they answer 503 with Retry-After.
 */
const unavailableStates = new Set(["57P01", "57P02", "57P03", "53300"]);
const unavailableSocketCodes = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH"]);
const unavailableMessages =
  /^Connection terminated( unexpectedly| due to connection timeout)?$|^timeout exceeded when trying to connect$|^Client has encountered a connection error and is not queryable$/;
/** Seconds a client is asked to wait when the database is unavailable (a restart takes seconds). */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/** True for an error (or an error it wraps, as `cause`) that says the database cannot be reached. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === "string" && (code.startsWith("08") || unavailableStates.has(code))) return true;
    if (typeof code === "string" && unavailableSocketCodes.has(code)) return true;
    if (typeof message === "string" && unavailableMessages.test(message)) return true;
    // Several addresses tried at once (Node's happy eyeballs): each refused.
    const errors = (e as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.length > 0 && errors.every((inner) => isDatabaseUnavailable(inner)))
      return true;
  }
  return false;
}

/** One place that turns every failure into problem+json; 5xx detail goes to the log only. */
export function registerProblemHandlers(
  app: FastifyInstance,
  options: { notFoundPage?: () => Promise<Buffer | null> } = {},
): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof ServiceError) {
      if (error.currentVersion === undefined) {
        return sendProblem(request, reply, error.code, error.message, error.errors);
      }
      return reply
        .code(error.status)
        .type("application/problem+json")
        .header("etag", `"${error.currentVersion}"`)
        .send({
          ...problemBody(request, error.code, error.status, error.message, error.errors),
          current_version: error.currentVersion,
        });
    }
    if (isInputError(error)) {
      request.log.info({ err: error }, "input the database refused");
      return sendProblem(
        request,
        reply,
        "invalid_input",
        "a value in the request cannot be stored (a character, number or date out of range)",
      );
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const errors = error.validation.map((issue) => ({
        field:
          issue.instancePath.replace(/^\//, "").replaceAll("/", ".") || error.validationContext || "body",
        message: asSentence(issue.message ?? "is not valid"),
      }));
      return sendProblem(
        request,
        reply,
        "validation_failed",
        `invalid ${error.validationContext ?? "request"}`,
        errors,
      );
    }
    if (isDatabaseUnavailable(error)) {
      request.log.warn({ err: error }, "the database is unavailable; answering 503");
      reply.header("retry-after", String(UNAVAILABLE_RETRY_AFTER_SECONDS));
      return sendProblem(
        request,
        reply,
        "service_unavailable",
        "the database is unavailable; try again shortly",
      );
    }
    const mapped = error.code ? fastifyCodes[error.code] : undefined;
    if (mapped) return sendProblem(request, reply, mapped, error.message);
    if (error instanceof SyntaxError || (error.statusCode === 400 && /JSON/i.test(error.message))) {
      return sendProblem(request, reply, "malformed_json", "the body is not valid JSON");
    }
    if (isResponseSerializationError(error)) {
      request.log.error({ err: error, issues: error.cause.issues }, "response did not match its schema");
    } else if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply
        .code(error.statusCode)
        .type("application/problem+json")
        .send(problemBody(request, "bad_request", error.statusCode, error.message));
    } else {
      request.log.error({ err: error }, "unhandled error");
    }
    return sendProblem(
      request,
      reply,
      "internal_error",
      "something went wrong; quote the request id when reporting it",
    );
  });
  app.setNotFoundHandler(async (request, reply) => {
    // A person following a bad link gets the frontend's page; API clients get problem+json.
    if (options.notFoundPage && request.method === "GET" && !request.url.startsWith("/api/")) {
      const page = await options.notFoundPage();
      if (page) return reply.code(404).type("text/html; charset=utf-8").send(page);
    }
    return sendProblem(
      request,
      reply,
      "not_found",
      `no route for ${request.method} ${request.url.split("?")[0]}`,
    );
  });
}
