import { timingSafeEqual } from "node:crypto";
import { sendProblem } from "@todo/server";
import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from "fastify";
import type { Dispatcher } from "undici";

/**
 * The authenticated caller's user id, as the calling app put it on an invoked request. Trusted only
 * on a request that passed requireDaprCaller (else anyone on the network could claim any user).
 */
export const USER_ID_HEADER = "x-authenticated-user-id";

/** What a client may say to the invoked app; everything else (cookies, tokens, dapr-*) stays behind. */
const forwardedRequestHeaders = [
  "accept",
  "content-type",
  "if-match",
  "if-none-match",
  "idempotency-key",
  "traceparent",
  "tracestate",
];
// Hop-by-hop (RFC 9110 §7.6.1) and framing headers: the proxy's own answer sets them again.
const droppedResponseHeaders = new Set([
  "connection",
  "keep-alive",
  "transfer-encoding",
  "content-length",
  "proxy-connection",
  "upgrade",
  "date",
]);
const methods: HTTPMethods[] = ["GET", "POST", "PUT", "PATCH", "DELETE"];
const MAX_ANSWER_BYTES = 1024 * 1024;

// undici (with Node's own copy of undici, which it reaches through globalThis.Headers, and
// node:http2) loads with the first forwarded request: ~45 ms of the backend's start-up CPU in a
// --cpu-prof of the bundle, for a route most replicas answer later or never.
let undici: Promise<typeof import("undici")> | undefined;

/** The body as the invoked app reads it again: what Fastify parsed, serialized as it came. */
function forwardedBody(body: unknown): string | Buffer | undefined {
  if (body === undefined || body === null) return undefined;
  return typeof body === "string" || Buffer.isBuffer(body) ? body : JSON.stringify(body);
}

export interface InvokeProxyOptions {
  /** The sidecar's HTTP port (DAPR_HTTP_PORT); the sidecar finds the target by its app id. */
  httpPort: number;
  host?: string;
  /** The Dapr app id to invoke, e.g. "notification-service". */
  appId: string;
  /** Seconds a client is told to wait (Retry-After) when the target cannot be reached. */
  retryAfterSeconds?: number;
  /** Per request, in ms (the target's answer must start within it; default 10 000), then 503. */
  timeoutMs?: number;
}

export interface InvokeRoutes {
  /** Path patterns relative to the scope, e.g. "/webhooks" and "/webhooks/*". */
  paths: readonly string[];
  /** The caller's user id, sent as USER_ID_HEADER; null: a public route, sent without one. */
  userId(request: FastifyRequest): string | null;
}

/**
 * Serves `paths` by Dapr service invocation: each request goes, unchanged in method, path and
 * query, to http://127.0.0.1:{httpPort}/v1.0/invoke/{appId}/method/{path}, carrying only the
 * headers a route reads plus the caller's user id. The target's answer comes back as it is
 * (problem+json errors included); when the target cannot be reached (our sidecar down, its
 * sidecar or the app down: Dapr answers 5xx with its own JSON, ERR_DIRECT_INVOKE) the client gets
 * 503 service_unavailable with Retry-After instead of a 500. Answers are small JSON, read whole
 * (at most 1 MiB) so the scope's hooks (Idempotency-Key) see them as text. The request goes through
 * undici's `request`, imported with the first one; the body is what Fastify parsed, serialized
 * again (JSON, or text as it came). No retries: a write may have run; the client decides.
 * Source: https://docs.dapr.io/reference/api/service_invocation_api/
 */
export function registerInvokeProxy(
  scope: FastifyInstance,
  options: InvokeProxyOptions,
  routes: InvokeRoutes,
): void {
  const base = `http://${options.host ?? "127.0.0.1"}:${options.httpPort}`;
  const prefix = `/v1.0/invoke/${encodeURIComponent(options.appId)}/method`;
  const retryAfter = String(options.retryAfterSeconds ?? 5);
  const timeout = options.timeoutMs ?? 10_000;

  const unavailable = (request: FastifyRequest, reply: FastifyReply, why: string) => {
    request.log.warn({ app_id: options.appId, why }, "service invocation failed");
    for (const name of Object.keys(reply.getHeaders())) reply.removeHeader(name);
    return sendProblem(
      request,
      reply.header("retry-after", retryAfter),
      "service_unavailable",
      `${options.appId} cannot be reached; retry later`,
    );
  };

  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const userId = routes.userId(request);
    const headers: Record<string, string> = {};
    for (const name of forwardedRequestHeaders) {
      const value = request.headers[name];
      if (typeof value === "string") headers[name] = value;
    }
    if (userId !== null) headers[USER_ID_HEADER] = userId;
    let answer: Dispatcher.ResponseData;
    try {
      undici ??= import("undici").catch((error) => {
        undici = undefined;
        throw error;
      });
      answer = await (await undici).request(`${base}${prefix}${request.url}`, {
        method: request.method as Dispatcher.HttpMethod,
        headers,
        body: forwardedBody(request.body),
        headersTimeout: timeout,
        bodyTimeout: timeout,
      });
    } catch (error) {
      return unavailable(request, reply, (error as Error).message);
    }
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value !== undefined && !droppedResponseHeaders.has(name)) reply.header(name, value);
    }
    return relayAnswer(request, reply, answer.body, answer.statusCode);
  };

  const relayAnswer = async (
    request: FastifyRequest,
    reply: FastifyReply,
    stream: AsyncIterable<Buffer>,
    status: number,
  ) => {
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of stream) {
        size += chunk.length;
        if (size > MAX_ANSWER_BYTES) return unavailable(request, reply, "answer larger than 1 MiB");
        chunks.push(chunk);
      }
    } catch (error) {
      return unavailable(request, reply, (error as Error).message);
    }
    const type = String(reply.getHeader("content-type") ?? "");
    const answer = () => `${status} ${Buffer.concat(chunks).toString("utf8").slice(0, 300)}`;
    // The app answers its own errors as problem+json; an error in any other shape is Dapr's own
    // (ERR_DIRECT_INVOKE, an access-control denial), not something the client can act on.
    if (status >= 400 && !type.startsWith("application/problem+json"))
      return unavailable(request, reply, answer());
    // The caller was authenticated here: a 401 from the app means it did not trust this app
    // (APP_API_TOKEN or the caller's app id misconfigured). A client told 401 would sign out.
    if (status === 401)
      return unavailable(request, reply, `the invoked app refused this caller: ${answer()}`);
    return reply
      .code(status)
      .send(status === 204 || status === 304 ? null : Buffer.concat(chunks).toString("utf8"));
  };

  for (const url of routes.paths) {
    scope.route({ method: methods, url, schema: { hide: true }, handler });
  }
}

export interface TrustedCallerOptions {
  /** Dapr's app API token (APP_API_TOKEN): the sidecar sends it on every call as dapr-api-token. */
  appApiToken: string;
  /** App ids allowed to invoke these routes (dapr-caller-app-id, set by the calling sidecar). */
  callers: readonly string[];
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Guards a scope served to other apps through Dapr service invocation (under /api/:user_id): a
 * request must carry this app's own sidecar's dapr-api-token (so it came through the sidecar, not
 * straight over the network), come from an allowed app id, and name a user id that is the path's.
 * The user id then becomes request.user, as the backend's auth hook would leave it. Refusals are
 * problem+json: 401 untrusted caller, 403 another user's path. In a cluster, mTLS and the
 * Configuration's access-control policy make dapr-caller-app-id unforgeable; the token alone
 * already keeps out anything that bypasses the sidecar.
 * Source: https://docs.dapr.io/operations/security/app-api-token/
 */
export function requireDaprCaller(scope: FastifyInstance, options: TrustedCallerOptions): void {
  if (options.appApiToken.length < 32) throw new Error("APP_API_TOKEN must be at least 32 characters");
  scope.addHook("onRequest", async (request, reply) => {
    const token = request.headers["dapr-api-token"];
    const caller = request.headers["dapr-caller-app-id"];
    if (typeof token !== "string" || !sameSecret(token, options.appApiToken)) {
      request.log.warn({ caller }, "invocation refused: no valid dapr-api-token");
      return sendProblem(request, reply, "unauthorized", "this API is reached through the backend");
    }
    if (typeof caller !== "string" || !options.callers.includes(caller)) {
      request.log.warn({ caller }, "invocation refused: caller app id not allowed");
      return sendProblem(request, reply, "unauthorized", "this API is reached through the backend");
    }
    const userId = request.headers[USER_ID_HEADER];
    const { user_id } = request.params as { user_id?: string };
    if (typeof userId !== "string" || userId === "")
      return sendProblem(request, reply, "unauthorized", "sign in, or send a bearer token");
    if (user_id?.toLowerCase() !== userId.toLowerCase())
      return sendProblem(request, reply, "forbidden", "you can only reach your own resources");
    (request as unknown as { user: { id: string } }).user = { id: userId };
  });
}
