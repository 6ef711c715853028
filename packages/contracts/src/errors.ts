import type { ErrorCode, FieldError } from "./problem.ts";

export const statusByCode: Record<ErrorCode, number> = {
  malformed_json: 400,
  validation_failed: 400,
  invalid_input: 400,
  invalid_reference: 400,
  unauthorized: 401,
  invalid_credentials: 401,
  forbidden: 403,
  invalid_origin: 403,
  email_not_verified: 403,
  cross_origin_request: 403,
  not_found: 404,
  conflict: 409,
  tag_name_taken: 409,
  email_taken: 409,
  idempotency_key_in_use: 409,
  precondition_failed: 412,
  payload_too_large: 413,
  limit_exceeded: 422,
  unsupported_media_type: 415,
  idempotency_key_reused: 422,
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

/**
 * Optimistic concurrency (RFC 9110 §13.1.1): `expected` is the version the caller read (from the
 * ETag it sent back in If-Match), or undefined for last-write-wins. Throws 412 precondition_failed
 * carrying the current version when they differ.
 */
export function assertVersion(what: string, current: number, expected: number | undefined): void {
  if (expected !== undefined && expected !== current) throw ServiceError.preconditionFailed(what, current);
}

/** A failure the caller can act on. Each transport maps it once (HTTP status, Dapr outcome). */
export class ServiceError extends Error {
  readonly code: ErrorCode;
  readonly errors: FieldError[] | undefined;
  /** For precondition_failed: the version the resource has now. */
  readonly currentVersion: number | undefined;

  constructor(code: ErrorCode, message: string, errors?: FieldError[], currentVersion?: number) {
    super(message);
    this.name = "ServiceError";
    this.code = code;
    this.errors = errors?.map((e) => ({ field: e.field, message: asSentence(e.message) }));
    this.currentVersion = currentVersion;
  }

  get status(): number {
    return statusByCode[this.code];
  }

  static notFound(what: string): ServiceError {
    return new ServiceError("not_found", `${what} not found`);
  }

  /** If-Match named another version than the resource's current one (RFC 9110 §13.1.1). */
  static preconditionFailed(what: string, currentVersion: number): ServiceError {
    return new ServiceError(
      "precondition_failed",
      `the ${what} was changed since you read it (it is at version ${currentVersion}); read it again and re-apply your change`,
      undefined,
      currentVersion,
    );
  }

  static invalid(field: string, message: string, code: ErrorCode = "validation_failed"): ServiceError {
    return new ServiceError(code, `${field}: ${message}`, [{ field, message }]);
  }
}
