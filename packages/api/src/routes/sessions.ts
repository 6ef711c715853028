import { Problem, UserParams } from "@todo/contracts";
import type { Database } from "@todo/db";
import { sendProblem } from "@todo/server";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { type Kysely, sql } from "kysely";
import { z } from "zod";

const SessionParams = UserParams.extend({ session_id: z.uuid() });
const errors = { 400: Problem, 401: Problem, 403: Problem, 404: Problem };

/**
 * DELETE /api/{user_id}/sessions/{session_id}: signs one of your sessions out (a lost phone), by
 * the `id` that GET /api/auth/list-sessions gives, since that list no longer hands out session
 * tokens (OWASP ASVS 3.3.4). Another user's session is a 404. The session's live streams end
 * before the answer (`onRevoked`).
 */
export function sessionRoutes(
  app: FastifyInstance,
  db: Kysely<Database>,
  onRevoked: () => Promise<void>,
): void {
  app.withTypeProvider<ZodTypeProvider>().delete(
    "/sessions/:session_id",
    {
      schema: {
        tags: ["auth"],
        summary: "Sign one of your sessions out, by its id from list-sessions",
        params: SessionParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      const { rows } = await sql<{ id: string }>`
        DELETE FROM sessions WHERE id = ${request.params.session_id} AND user_id = ${request.user!.id}
        RETURNING id`.execute(db);
      if (rows.length === 0) return sendProblem(request, reply, "not_found", "no such session of yours");
      await onRevoked();
      return reply.code(204).send(null);
    },
  );
}
