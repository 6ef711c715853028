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
