import {
  AuthResult,
  asSentence,
  type ErrorCode,
  Problem,
  SignInBody,
  SignUpBody,
  statusByCode,
  UpdateUserBody,
} from "@todo/contracts";
import type { Database } from "@todo/db";
import { problemBody, sendProblem } from "@todo/server";
import { fromNodeHeaders } from "better-auth/node";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { type Kysely, sql } from "kysely";
import { z } from "zod";
import { type Auth, CLIENT_IP_HEADER } from "../auth.ts";
import { type AccountThrottle, checkAuthBody } from "./account-rules.ts";

export interface AuthenticatedUser {
  id: string;
  email: string;
  name: string;
  /** The session the request was authenticated by (cookie or bearer token). */
  sessionId: string;
  /**
   * Whose changes the caller's are, as events name it: "backend" for the web app (a session
   * cookie), "api" for a REST API client (`Authorization: Bearer`, no cookie).
   */
  eventSource: "backend" | "api";
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

/** Better Auth's error codes that a client acts on, as our codes, with the field and a sentence. */
const authErrors: Record<string, { code: ErrorCode; field?: string; message: string }> = {
  USER_ALREADY_EXISTS: {
    code: "email_taken",
    field: "email",
    message: "An account with this e-mail address already exists; sign in instead.",
  },
  USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL: {
    code: "email_taken",
    field: "email",
    message: "An account with this e-mail address already exists; sign in instead.",
  },
  INVALID_EMAIL_OR_PASSWORD: { code: "invalid_credentials", message: "Wrong e-mail address or password." },
  INVALID_EMAIL: { code: "validation_failed", field: "email", message: "Must be an e-mail address." },
  PASSWORD_TOO_SHORT: {
    code: "validation_failed",
    field: "password",
    message: "Must be at least 8 characters.",
  },
  PASSWORD_TOO_LONG: {
    code: "validation_failed",
    field: "password",
    message: "Must be at most 128 characters.",
  },
  EMAIL_NOT_VERIFIED: {
    code: "email_not_verified",
    message: "Verify your e-mail address first: follow the link in the mail we sent you.",
  },
  INVALID_ORIGIN: {
    code: "invalid_origin",
    message: "This server accepts sign-in only from the address in its PUBLIC_URL.",
  },
};

/**
 * Better Auth's error answer (`{code: "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL", message}`, 422) as
 * the API's problem+json: one of our codes, its status and title, a sentence, the field if any.
 */
function authProblem(request: FastifyRequest, status: number, text: string): Problem {
  let message: string | undefined;
  let authCode: string | undefined;
  try {
    const parsed = JSON.parse(text) as { message?: string; code?: string };
    message = parsed.message;
    authCode = parsed.code;
  } catch {}
  const known = authCode ? authErrors[authCode] : undefined;
  if (known) {
    return problemBody(
      request,
      known.code,
      statusByCode[known.code],
      known.message,
      known.field ? [{ field: known.field, message: known.message }] : undefined,
    );
  }
  if (status >= 500) return problemBody(request, "internal_error", 500);
  return problemBody(request, statusCodes[status] ?? "bad_request", status, message && asSentence(message));
}

export interface AuthRouteOptions {
  /**
   * Called after every successful unsafe request to Better Auth (sign-out, session revocation,
   * password change, account deletion, ...), before the answer is sent: sessions may be gone.
   */
  onSessionsChanged?: () => Promise<void>;
  /** Sign-in attempts per account (on top of Better Auth's per-address limit). */
  accountThrottle?: AccountThrottle;
}

/** The endpoints whose answer hands the client its own new session token; all others never carry one. */
const TOKEN_ANSWERS = new Set(["/sign-in/email", "/sign-up/email", "/change-password"]);

/** Removes every `token` field: a session list or session answer must not hand out bearer credentials. */
function withoutTokens(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutTokens);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== "token")
      .map(([key, inner]) => [key, withoutTokens(inner)]),
  );
}

/** Hands a request to Better Auth and its answer back, errors rewritten as problem+json. */
async function forwardToAuth(
  auth: Auth,
  request: FastifyRequest,
  reply: FastifyReply,
  options: AuthRouteOptions = {},
) {
  const headers = fromNodeHeaders(request.headers);
  headers.set(CLIENT_IP_HEADER, request.ip);
  headers.delete("content-length");
  // Browsers send Origin on every POST, so Better Auth's CSRF check keeps working for them. Node's
  // fetch adds Fetch Metadata headers but no Origin; without this, API clients could not sign in.
  if (!headers.has("origin") && !headers.has("cookie")) {
    for (const name of ["sec-fetch-site", "sec-fetch-mode", "sec-fetch-dest"]) headers.delete(name);
  }
  const path = request.url.split("?")[0]!.slice("/api/auth".length);
  const hasBody = request.body !== undefined && request.method !== "GET" && request.method !== "HEAD";
  let body = request.body;
  if (request.method === "POST") {
    // Also without a body: a bodiless delete-user must not skip the password it needs.
    const checked = await checkAuthBody(path, request.body ?? {});
    if (checked.errors.length > 0) {
      return sendProblem(request, reply, "validation_failed", "invalid body", checked.errors);
    }
    if (hasBody) body = checked.body;
    if (path === "/sign-in/email" && options.accountThrottle) {
      const wait = await options.accountThrottle.hit(String(checked.body.email ?? ""));
      if (wait > 0) {
        reply.header("retry-after", String(wait));
        return sendProblem(request, reply, "rate_limited", "too many sign-in attempts; try again later");
      }
    }
  }
  // A form (OAuth's token endpoint takes only forms) is passed on as a form, anything else as JSON.
  const isForm = request.headers["content-type"]?.startsWith("application/x-www-form-urlencoded") ?? false;
  if (hasBody) headers.set("content-type", isForm ? "application/x-www-form-urlencoded" : "application/json");
  const response = await auth.handler(
    new Request(new URL(request.url, `http://${request.headers.host ?? "localhost"}`), {
      method: request.method,
      headers,
      ...(hasBody
        ? {
            body: isForm
              ? new URLSearchParams(body as Record<string, string>).toString()
              : JSON.stringify(body),
          }
        : {}),
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
  if (request.method !== "GET" && response.status < 400) await options.onSessionsChanged?.();
  const text = await response.text();
  const isJson = response.headers.get("content-type")?.includes("json") ?? false;
  if (response.status < 400) {
    if (!isJson || text.length === 0) return reply.send(text);
    const parsed: unknown = JSON.parse(text);
    return reply.send(TOKEN_ANSWERS.has(path) ? parsed : withoutTokens(parsed));
  }

  // OAuth endpoints answer errors as RFC 6749 §5.2 says ({error, error_description}): clients read those.
  if (path.startsWith("/oauth2/"))
    return reply.type(response.headers.get("content-type") ?? "application/json").send(text);
  const problem = authProblem(request, response.status, text);
  return reply.code(problem.status).type("application/problem+json").send(problem);
}

export function registerAuth(app: FastifyInstance, auth: Auth, options: AuthRouteOptions = {}): void {
  app.decorateRequest("user", null);
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const errors = { 400: Problem, 401: Problem, 403: Problem, 409: Problem, 429: Problem };

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
    (request, reply) => forwardToAuth(auth, request, reply, options),
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
    (request, reply) => forwardToAuth(auth, request, reply, options),
  );
  typed.post(
    "/api/auth/update-user",
    {
      schema: {
        tags: ["auth"],
        summary: "Change your account's name, picture or time zone",
        body: UpdateUserBody,
        response: { 200: z.looseObject({}), ...errors },
      },
    },
    (request, reply) => forwardToAuth(auth, request, reply, options),
  );
  // OAuth's token, revocation and introspection requests are forms (RFC 6749 §4.1.3); only here.
  app.register(async (scope) => {
    scope.addContentTypeParser(
      "application/x-www-form-urlencoded",
      { parseAs: "string" },
      (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );
    scope.route({
      method: ["GET", "POST"],
      url: "/api/auth/oauth2/*",
      schema: { hide: true },
      handler: (request, reply) => forwardToAuth(auth, request, reply, options),
    });
  });
  app.route({
    method: ["GET", "POST"],
    url: "/api/auth/*",
    schema: { hide: true },
    handler: (request, reply) => forwardToAuth(auth, request, reply, options),
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
 * reads the sessions table. Cookies and signed tokens always go through Better Auth. The answer
 * says which way the caller came (`eventSource`: "api" for a bearer token, "backend" for a cookie).
 */
export async function resolveUser(auth: Auth, request: FastifyRequest): Promise<AuthenticatedUser | null> {
  const bearer = UNSIGNED_BEARER.exec(request.headers.authorization ?? "");
  if (bearer && !request.headers.cookie) {
    const db = (auth.options.database as { db: Kysely<Database> }).db;
    const { rows } = await sql<{
      expires_at: Date;
      session_id: string;
      id: string;
      email: string;
      name: string;
    }>`
      SELECT s.expires_at, s.id AS session_id, u.id, u.email, u.name FROM sessions s JOIN users u ON u.id = s.user_id
      WHERE s.token = ${bearer[1]!}`.execute(db);
    const row = rows[0];
    if (!row) return null;
    const options = auth.options.session as { expiresIn?: number; updateAge?: number } | undefined;
    const expiresIn = (options?.expiresIn ?? 7 * DAY_SECONDS) * 1000;
    const updateAge = (options?.updateAge ?? DAY_SECONDS) * 1000;
    const expiresAt = row.expires_at.getTime();
    const now = Date.now();
    if (expiresAt > now && expiresAt - expiresIn + updateAge > now) {
      return { id: row.id, email: row.email, name: row.name, sessionId: row.session_id, eventSource: "api" };
    }
  }
  const session = await auth.api.getSession({ headers: fromNodeHeaders(request.headers) });
  if (!session) return null;
  return {
    id: session.user.id,
    email: session.user.email,
    name: session.user.name,
    sessionId: session.session.id,
    // Better Auth's bearer plugin puts a valid bearer token in place of the cookie, so the
    // session is the token's exactly when their tokens match.
    eventSource: session.session.token === bearerSessionToken(request) ? "api" : "backend",
  };
}

/** The session token an `Authorization: Bearer` header carries, signed (`token.signature`) or not. */
function bearerSessionToken(request: FastifyRequest): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? "");
  if (!match) return null;
  try {
    return decodeURIComponent(match[1]!).split(".")[0]!;
  } catch {
    return null; // malformed percent-encoding: Better Auth does not read it either
  }
}
