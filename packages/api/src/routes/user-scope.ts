import type { Executor } from "@todo/db";
import { ifMatchVersion, sendProblem } from "@todo/server";
import type { ServiceContext } from "@todo/tasks";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Auth } from "../auth.ts";
import { resolveUser } from "../plugins/auth-routes.ts";

/**
 * Every route under /api/:user_id needs a signed-in caller (else 401) whose id is the one in the
 * path (else 403; compared ignoring case, as UUIDs are). Objects are then looked up by that user, so another user's object is a 404.
 */
export function requireOwnUser(app: FastifyInstance, auth: Auth): void {
  app.addHook("onRequest", async (request, reply) => {
    request.user = await resolveUser(auth, request);
    if (!request.user) return sendProblem(request, reply, "unauthorized", "sign in, or send a bearer token");
    const { user_id } = request.params as { user_id?: string };
    // UUIDs are case-insensitive (RFC 9562 §4): a client may send the id upper-cased.
    if (user_id?.toLowerCase() !== request.user.id.toLowerCase()) {
      return sendProblem(request, reply, "forbidden", "you can only reach your own resources");
    }
  });
}

/**
 * The verbs' context for the caller of a /api/:user_id route (after requireOwnUser): their user
 * id, the If-Match version, and the source their events carry: "backend" for the web app's
 * session cookie, "api" for a bearer token (the activity log's actors "user" and "api").
 */
export function callerContext(db: Executor, request: FastifyRequest): ServiceContext {
  return {
    db,
    userId: request.user!.id,
    source: request.user!.eventSource,
    ifMatch: ifMatchVersion(request),
  };
}
