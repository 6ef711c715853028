import type { ErrorCode, FieldError } from "./problem.ts";

export const statusByCode: Record<ErrorCode, number> = {
  malformed_json: 400,
  validation_failed: 400,
  invalid_reference: 400,
  unauthorized: 401,
  invalid_credentials: 401,
  forbidden: 403,
  invalid_origin: 403,
  cross_origin_request: 403,
  not_found: 404,
  conflict: 409,
  tag_name_taken: 409,
  email_taken: 409,
  payload_too_large: 413,
  limit_exceeded: 422,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal_error: 500,
  service_unavailable: 503,
};

/**
 * A field's message as a sentence: first letter capitalised, a full stop at the end unless it
 * already ends with punctuation. One rule for every verb's messages ("already taken" → "Already taken.").
 */
export function asSentence(text: string): string {
  const trimmed = text.trim();
  if (trimmed === "") return trimmed;
  const capitalised = trimmed[0]!.toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capitalised) ? capitalised : `${capitalised}.`;
}

/** A failure the caller can act on. Each transport maps it once (HTTP status, Dapr outcome). */
export class ServiceError extends Error {
  readonly code: ErrorCode;
  readonly errors: FieldError[] | undefined;

  constructor(code: ErrorCode, message: string, errors?: FieldError[]) {
    super(message);
    this.name = "ServiceError";
    this.code = code;
    this.errors = errors?.map((e) => ({ field: e.field, message: asSentence(e.message) }));
  }

  get status(): number {
    return statusByCode[this.code];
  }

  static notFound(what: string): ServiceError {
    return new ServiceError("not_found", `${what} not found`);
  }

  static invalid(field: string, message: string, code: ErrorCode = "validation_failed"): ServiceError {
    return new ServiceError(code, `${field}: ${message}`, [{ field, message }]);
  }
}
