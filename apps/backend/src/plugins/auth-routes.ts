import { AuthResult, type ErrorCode, Problem, SignInBody, SignUpBody, UpdateUserBody } from "@todo/contracts";
import type { Database } from "@todo/db";
import { problemBody } from "@todo/server";
import { fromNodeHeaders } from "better-auth/node";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { type Kysely, sql } from "kysely";
import { z } from "zod";
import { type Auth, CLIENT_IP_HEADER } from "../auth.ts";

export interface AuthenticatedUser {
  id: string;
  email: string;
  name: string;
}

declare module "fastify" {
  interface FastifyRequest {
    user: AuthenticatedUser | null;
  }
}

const statusCodes: Record<number, ErrorCode> = {
  400: "validation_failed",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  409: "conflict",
  422: "validation_failed",
  429: "rate_limited",
};

/** Hands a request to Better Auth and its answer back, errors rewritten as problem+json. */
async function forwardToAuth(auth: Auth, request: FastifyRequest, reply: FastifyReply) {
  const headers = fromNodeHeaders(request.headers);
  headers.set(CLIENT_IP_HEADER, request.ip);
  headers.delete("content-length");
  // Browsers send Origin on every POST, so Better Auth's CSRF check keeps working for them. Node's
  // fetch adds Fetch Metadata headers but no Origin; without this, API clients could not sign in.
  if (!headers.has("origin") && !headers.has("cookie")) {
    for (const name of ["sec-fetch-site", "sec-fetch-mode", "sec-fetch-dest"]) headers.delete(name);
  }
  const hasBody = request.body !== undefined && request.method !== "GET" && request.method !== "HEAD";
  if (hasBody) headers.set("content-type", "application/json");
  const response = await auth.handler(
    new Request(new URL(request.url, `http://${request.headers.host ?? "localhost"}`), {
      method: request.method,
      headers,
      ...(hasBody ? { body: JSON.stringify(request.body) } : {}),
    }),
  );
  response.headers.forEach((value, key) => {
    if (key !== "set-cookie" && key !== "content-length" && key !== "content-encoding")
      reply.header(key, value);
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) reply.header("set-cookie", cookies);
  // Better Auth's limiter says when to come back in X-Retry-After; HTTP clients read Retry-After.
  const retryAfter = response.headers.get("x-retry-after");
  if (response.status === 429 && retryAfter && !response.headers.has("retry-after")) {
    reply.header("retry-after", retryAfter);
  }
  reply.code(response.status);
  const text = await response.text();
  const isJson = response.headers.get("content-type")?.includes("json") ?? false;
  if (response.status < 400) return reply.send(isJson && text.length > 0 ? JSON.parse(text) : text);

  let message = response.statusText;
  let authCode: string | undefined;
  try {
    const parsed = JSON.parse(text) as { message?: string; code?: string };
    message = parsed.message ?? message;
    authCode = parsed.code?.toLowerCase();
  } catch {}
  const code = authCode ?? statusCodes[response.status] ?? "internal_error";
  return reply
    .type("application/problem+json")
    .send(problemBody(request, code, response.status, response.status >= 500 ? undefined : message));
}

export function registerAuth(app: FastifyInstance, auth: Auth): void {
  app.decorateRequest("user", null);
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const errors = { 400: Problem, 401: Problem, 422: Problem, 429: Problem };

  // The two endpoints clients rely on get schemas (and so docs and problem+json validation).
  typed.post(
    "/api/auth/sign-up/email",
    {
      schema: {
        tags: ["auth"],
        summary: "Create an account; answers with a bearer token",
        body: SignUpBody,
        response: { 200: AuthResult.loose(), ...errors },
      },
    },
    (request, reply) => forwardToAuth(auth, request, reply),
  );
  typed.post(
    "/api/auth/sign-in/email",
    {
      schema: {
        tags: ["auth"],
        summary: "Sign in; answers with a bearer token",
        body: SignInBody,
        response: { 200: AuthResult.loose(), ...errors },
      },
    },
    (request, reply) => forwardToAuth(auth, request, reply),
  );
  typed.post(
    "/api/auth/update-user",
    {
      schema: {
        tags: ["auth"],
        summary: "Change your account's name or picture",
        body: UpdateUserBody,
        response: { 200: z.looseObject({}), ...errors },
      },
    },
    (request, reply) => forwardToAuth(auth, request, reply),
  );
  app.route({
    method: ["GET", "POST"],
    url: "/api/auth/*",
    schema: { hide: true },
    handler: (request, reply) => forwardToAuth(auth, request, reply),
  });
}

/** An unsigned bearer token, as sign-up and sign-in answer it (Better Auth's 32 alphanumerics). */
const UNSIGNED_BEARER = /^Bearer ([A-Za-z0-9_-]{16,256})$/i;
const DAY_SECONDS = 86_400;

/**
 * Resolves the caller from the session cookie or the bearer token. An API client's unsigned
 * bearer token (the session token itself: Better Auth's bearer plugin signs it on the way in, so
 * its signature proves nothing more) is looked up here in one query, sessions joined to users,
 * with Better Auth's own rules: no row or an expired one is no session, and a session due for its
 * daily refresh goes through Better Auth, which extends it. Revocation is unchanged: every request
 * reads the sessions table. Cookies and signed tokens always go through Better Auth.
 */
export async function resolveUser(auth: Auth, request: FastifyRequest): Promise<AuthenticatedUser | null> {
  const bearer = UNSIGNED_BEARER.exec(request.headers.authorization ?? "");
  if (bearer && !request.headers.cookie) {
    const db = (auth.options.database as { db: Kysely<Database> }).db;
    const { rows } = await sql<{ expires_at: Date; id: string; email: string; name: string }>`
      SELECT s.expires_at, u.id, u.email, u.name FROM sessions s JOIN users u ON u.id = s.user_id
      WHERE s.token = ${bearer[1]!}`.execute(db);
    const row = rows[0];
    if (!row) return null;
    const options = auth.options.session as { expiresIn?: number; updateAge?: number } | undefined;
    const expiresIn = (options?.expiresIn ?? 7 * DAY_SECONDS) * 1000;
    const updateAge = (options?.updateAge ?? DAY_SECONDS) * 1000;
    const expiresAt = row.expires_at.getTime();
    const now = Date.now();
    if (expiresAt > now && expiresAt - expiresIn + updateAge > now) {
      return { id: row.id, email: row.email, name: row.name };
    }
  }
  const session = await auth.api.getSession({ headers: fromNodeHeaders(request.headers) });
  if (!session) return null;
  return { id: session.user.id, email: session.user.email, name: session.user.name };
}
