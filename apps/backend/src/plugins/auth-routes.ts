import { AuthResult, type ErrorCode, Problem, SignInBody, SignUpBody } from "@todo/contracts";
import { problemBody } from "@todo/server";
import { fromNodeHeaders } from "better-auth/node";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
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
  app.route({
    method: ["GET", "POST"],
    url: "/api/auth/*",
    schema: { hide: true },
    handler: (request, reply) => forwardToAuth(auth, request, reply),
  });
}

/** Resolves the caller from the session cookie or the bearer token. */
export async function resolveUser(auth: Auth, request: FastifyRequest): Promise<AuthenticatedUser | null> {
  const session = await auth.api.getSession({ headers: fromNodeHeaders(request.headers) });
  if (!session) return null;
  return { id: session.user.id, email: session.user.email, name: session.user.name };
}
