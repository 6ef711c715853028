import { sendProblem } from "@todo/server";
import type { FastifyInstance } from "fastify";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * CSRF defence for cookie-authenticated requests (OWASP CSRF cheat sheet: "verifying origin with
 * standard headers" and Fetch Metadata). An unsafe request (not GET, HEAD or OPTIONS) under /api
 * that carries a cookie must come from a trusted origin: its `Origin` must be one of
 * `trustedOrigins`, or, without `Origin`, its `Sec-Fetch-Site` must be `same-origin` or `none`;
 * else 403 `cross_origin_request`. A request with neither header is not from a browser, so it
 * cannot be forged by a page. Bearer requests without cookies are unaffected (a page cannot make a
 * browser send a bearer token); /api/auth is left to Better Auth, which checks origins itself.
 */
export function registerCrossOriginGuard(app: FastifyInstance, trustedOrigins: string[]): void {
  const trusted = new Set(trustedOrigins.map((origin) => new URL(origin).origin));
  app.addHook("onRequest", async (request, reply) => {
    if (SAFE_METHODS.has(request.method) || !request.headers.cookie) return;
    if (!request.url.startsWith("/api/") || request.url.startsWith("/api/auth/")) return;
    const origin = request.headers.origin;
    const site = request.headers["sec-fetch-site"];
    const allowed =
      origin !== undefined
        ? trusted.has(origin)
        : site === undefined || site === "same-origin" || site === "none";
    if (!allowed) {
      return sendProblem(
        request,
        reply,
        "cross_origin_request",
        `a cookie-authenticated ${request.method} must come from this site (Origin ${origin ?? "absent"}, Sec-Fetch-Site ${site ?? "absent"})`,
      );
    }
  });
}
