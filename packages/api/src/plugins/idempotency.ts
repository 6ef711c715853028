import { createHash } from "node:crypto";
import { IdempotencyKey } from "@todo/contracts";
import type { Executor } from "@todo/db";
import { sendProblem } from "@todo/server";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { sql } from "kysely";

/** How long a key's answer is kept and replayed. */
const KEY_LIFETIME = "24 hours";
/** Answer headers replayed with the stored body. */
const replayedHeaders = ["content-type", "etag", "location"] as const;

declare module "fastify" {
  interface FastifyRequest {
    idempotencyKey: string | null;
  }
}

/**
 * Idempotency-Key (IETF draft-ietf-httpapi-idempotency-key-header) on every POST and PATCH under
 * the scope: the first request with a key runs and its answer (any status below 500) is stored in
 * the database with a hash of the method, path and body, so every replica sees it. The same key
 * with the same request within 24 h gets that answer again (Idempotent-Replayed: true) with no
 * second effect; with another request, 422 idempotency_key_reused; while the first still runs,
 * 409 idempotency_key_in_use. A 5xx answer or a failure forgets the key, so a retry runs again.
 * Keys belong to the caller: two users' keys never meet.
 */
export function idempotencyKeys(scope: FastifyInstance, db: Executor): void {
  scope.decorateRequest("idempotencyKey", null);

  scope.addHook("preHandler", async (request, reply) => {
    if (request.method !== "POST" && request.method !== "PATCH") return;
    const header = request.headers["idempotency-key"];
    if (header === undefined || !request.user) return;
    const parsed = IdempotencyKey.safeParse(header);
    if (!parsed.success) {
      return sendProblem(request, reply, "validation_failed", "invalid Idempotency-Key", [
        { field: "Idempotency-Key", message: parsed.error.issues[0]?.message ?? "invalid" },
      ]);
    }
    const key = parsed.data;
    const userId = request.user.id;
    const hash = fingerprint(request);
    // Expired keys of this user go first, so an old key starts afresh.
    await db
      .deleteFrom("idempotency_keys")
      .where("user_id", "=", userId)
      .where("created_at", "<", sql<Date>`now() - ${KEY_LIFETIME}::interval`)
      .execute();
    const claimed = await db
      .insertInto("idempotency_keys")
      .values({ user_id: userId, key, request_hash: hash })
      .onConflict((oc) => oc.columns(["user_id", "key"]).doNothing())
      .returning("key")
      .executeTakeFirst();
    if (claimed) {
      request.idempotencyKey = key;
      return;
    }
    const stored = await db
      .selectFrom("idempotency_keys")
      .selectAll()
      .where("user_id", "=", userId)
      .where("key", "=", key)
      .executeTakeFirst();
    if (!stored) {
      // Forgotten between the two statements (its first request failed): ask for a retry.
      return sendProblem(
        request,
        reply,
        "idempotency_key_in_use",
        "the first request with this key just failed; retry",
      );
    }
    if (stored.request_hash !== hash) {
      return sendProblem(
        request,
        reply,
        "idempotency_key_reused",
        "this Idempotency-Key was used for another request; use a new key for a new request",
        [{ field: "Idempotency-Key", message: "already used for another request" }],
      );
    }
    if (stored.status === null) {
      return sendProblem(
        request,
        reply,
        "idempotency_key_in_use",
        "a request with this Idempotency-Key is still running; retry later",
      );
    }
    for (const [name, value] of Object.entries(stored.headers ?? {})) reply.header(name, value);
    return reply
      .code(stored.status)
      .header("idempotent-replayed", "true")
      .send(stored.body ?? "");
  });

  scope.addHook("onSend", async (request, reply, payload) => {
    const key = request.idempotencyKey;
    if (key === null || !request.user) return payload;
    request.idempotencyKey = null;
    const where = { user_id: request.user.id, key };
    if (reply.statusCode >= 500) {
      await db
        .deleteFrom("idempotency_keys")
        .where("user_id", "=", where.user_id)
        .where("key", "=", key)
        .execute();
      return payload;
    }
    const headers: Record<string, string> = {};
    for (const name of replayedHeaders) {
      const value = reply.getHeader(name);
      if (value !== undefined) headers[name] = String(value);
    }
    await db
      .updateTable("idempotency_keys")
      .set({
        status: reply.statusCode,
        headers: JSON.stringify(headers),
        body: typeof payload === "string" ? payload : payload == null ? "" : String(payload),
      })
      .where("user_id", "=", where.user_id)
      .where("key", "=", key)
      .execute();
    return payload;
  });
}

/** What makes two requests "the same": method, path and the parsed body (key order kept). */
function fingerprint(request: FastifyRequest): string {
  const path = request.url.split("?")[0]!.toLowerCase();
  return createHash("sha256")
    .update(`${request.method} ${path}\n${JSON.stringify(request.body ?? null)}`)
    .digest("hex");
}
