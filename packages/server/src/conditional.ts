import type { FastifyInstance, FastifyRequest } from "fastify";

/** The ETag of a resource at a version: a strong entity tag holding the version, `"3"`. */
export function etagOf(version: number): string {
  return `"${version}"`;
}

const entityTag = /^(W\/)?"([^"]*)"$/;

/** The entity tags of an If-Match or If-None-Match field value (RFC 9110 §8.8.3), or "*". */
function entityTags(value: string): "*" | { weak: boolean; opaque: string }[] {
  if (value.trim() === "*") return "*";
  return value
    .split(",")
    .map((part) => entityTag.exec(part.trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ weak: m[1] !== undefined, opaque: m[2]! }));
}

/**
 * The version a client expects from its If-Match (RFC 9110 §13.1.1), for a verb to compare with
 * the row it locked: undefined without the header or with `*` (last write wins); -1 when no tag in
 * it can match one of ours (a weak or foreign tag), so the change fails with 412 as the RFC asks.
 */
export function ifMatchVersion(request: FastifyRequest): number | undefined {
  const value = request.headers["if-match"];
  if (value === undefined) return undefined;
  const tags = entityTags(value);
  if (tags === "*") return undefined;
  const strong = tags.find((t) => !t.weak && /^[1-9][0-9]{0,9}$/.test(t.opaque));
  return strong ? Number(strong.opaque) : -1;
}

function noneMatch(request: FastifyRequest, etag: string): boolean {
  const value = request.headers["if-none-match"];
  if (value === undefined) return false;
  const tags = entityTags(value);
  // Weak comparison (§13.1.2): W/"3" matches "3".
  return tags === "*" || tags.some((t) => `"${t.opaque}"` === etag);
}

/**
 * ETag and If-None-Match for every route: an answer whose body carries an integer `version` (a
 * task, a tag, a template, a webhook) gets `ETag: "<version>"`, and a GET whose If-None-Match
 * names it is answered 304 Not Modified without a body.
 */
export function registerConditionalRequests(app: FastifyInstance): void {
  app.addHook("preSerialization", async (request, reply, payload) => {
    const version = (payload as { version?: unknown } | null)?.version;
    if (reply.statusCode >= 300 || typeof version !== "number" || !Number.isInteger(version)) return payload;
    const etag = etagOf(version);
    reply.header("etag", etag);
    if ((request.method === "GET" || request.method === "HEAD") && noneMatch(request, etag)) {
      reply.code(304);
      return null;
    }
    return payload;
  });
  app.addHook("onSend", async (_request, reply, payload) => (reply.statusCode === 304 ? "" : payload));
}

type Operation = {
  parameters?: { in: string; name: string }[];
  responses?: Record<
    string,
    { headers?: Record<string, unknown>; content?: Record<string, { schema?: unknown }> }
  >;
};

function hasVersion(schema: unknown): boolean {
  const s = schema as { properties?: Record<string, unknown> } | undefined;
  return s?.properties?.version !== undefined;
}

/**
 * Adds the answer headers to the OpenAPI document, so a generated client knows them: ETag on every
 * answer that carries a version, Idempotent-Replayed where Idempotency-Key is taken, Retry-After on
 * 429 answers.
 */
export function describeAnswerHeaders<T>(document: T): T {
  const paths = (document as { paths?: Record<string, Record<string, Operation>> }).paths ?? {};
  for (const operations of Object.values(paths)) {
    for (const operation of Object.values(operations)) {
      const idempotent = operation.parameters?.some((p) => p.in === "header" && p.name === "idempotency-key");
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        const schema = response.content?.["application/json"]?.schema;
        if (status.startsWith("2") && hasVersion(schema)) {
          response.headers = {
            ...response.headers,
            etag: { description: 'The version as an entity tag, "<version>"', schema: { type: "string" } },
          };
        }
        if (status.startsWith("2") && idempotent) {
          response.headers = {
            ...response.headers,
            "idempotent-replayed": {
              description:
                '"true" when this is the stored answer to an earlier request with the same Idempotency-Key',
              schema: { type: "string" },
            },
          };
        }
        if (status === "429") {
          response.headers = {
            ...response.headers,
            "retry-after": {
              description: "Seconds to wait before trying again",
              schema: { type: "integer" },
            },
          };
        }
      }
    }
  }
  return document;
}
