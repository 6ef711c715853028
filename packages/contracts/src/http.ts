import { z } from "zod";

// Request headers of the HTTP conventions clients rely on, as schemas so the OpenAPI document
// shows them. Loose: every other header passes untouched.

const ifMatch = z
  .string()
  .optional()
  .describe(
    'The ETag you read ("<version>"): the change is made only if the resource is still at that version, else 412 precondition_failed with current_version. Without it, the last write wins.',
  );
const ifNoneMatch = z
  .string()
  .optional()
  .describe("The ETag you hold: 304 Not Modified (no body) while the resource is still at that version.");
const idempotencyKey = z
  .string()
  .optional()
  .describe(
    "IETF draft-ietf-httpapi-idempotency-key-header: a unique key (1-255 visible ASCII characters) per intended change. Sent again with the same body within 24 h, the first answer is replayed (Idempotent-Replayed: true) with no second effect; with another body, 422 idempotency_key_reused; while the first is still running, 409 idempotency_key_in_use.",
  );

export const ConditionalReadHeaders = z.looseObject({ "if-none-match": ifNoneMatch });
export const ConditionalWriteHeaders = z.looseObject({ "if-match": ifMatch });
export const IdempotentHeaders = z.looseObject({ "idempotency-key": idempotencyKey });
export const IdempotentConditionalHeaders = z.looseObject({
  "if-match": ifMatch,
  "idempotency-key": idempotencyKey,
});

/** Idempotency-Key: 1-255 visible ASCII characters (the draft leaves the syntax to the server). */
export const IdempotencyKey = z.string().regex(/^[\x21-\x7e]{1,255}$/, "1-255 visible ASCII characters");
