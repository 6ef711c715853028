import { z } from "zod";

/** Stable machine-readable error codes; the HTTP status follows from the code. */
export const ErrorCode = z.enum([
  "malformed_json",
  "validation_failed",
  "invalid_input",
  "invalid_reference",
  "unauthorized",
  "invalid_credentials",
  "forbidden",
  "invalid_origin",
  "email_not_verified",
  "cross_origin_request",
  "not_found",
  "conflict",
  "tag_name_taken",
  "email_taken",
  "idempotency_key_in_use",
  "precondition_failed",
  "payload_too_large",
  "limit_exceeded",
  "unsupported_media_type",
  "idempotency_key_reused",
  "rate_limited",
  "internal_error",
  "service_unavailable",
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const FieldError = z.object({ field: z.string(), message: z.string() });
export type FieldError = z.infer<typeof FieldError>;

/** RFC 9457 problem details, plus our `code`, the request id and, for bad input, the fields. */
export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  code: z.string(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  request_id: z.string().optional(),
  errors: z.array(FieldError).optional(),
  /** On 412 precondition_failed: the resource's current version (its ETag is "<version>"). */
  current_version: z.number().int().optional(),
});
export type Problem = z.infer<typeof Problem>;

/** 304 Not Modified: no body. */
export const NotModified = z.null().describe("Not Modified: your copy (If-None-Match) is current");
