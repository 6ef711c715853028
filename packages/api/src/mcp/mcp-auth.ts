import type { FastifyRequest } from "fastify";
import { createLocalJWKSet, errors as joseErrors, jwtVerify } from "jose";
import type { Auth } from "../auth.ts";
import { resolveUser } from "../plugins/auth-routes.ts";
import { MCP_READ_SCOPE, MCP_SCOPES, type McpCaller } from "./mcp-scopes.ts";

/** Why a request to /mcp was refused, as RFC 6750 §3.1 names it. */
export type McpAuthFailure = {
  error: "invalid_request" | "invalid_token" | "insufficient_scope";
  description: string;
};

const BEARER = /^Bearer\s+(\S+)$/i;
// A JWT has three base64url parts; a personal (session) token is one opaque string.
const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]+$/;

export interface McpAuthOptions {
  auth: Auth;
  /** The resource (RFC 8707) an OAuth access token must name in its `aud`: PUBLIC_URL + /mcp. */
  resource: string;
  /** Better Auth's issuer (`iss`). */
  issuer: string;
}

/**
 * The caller of /mcp, from `Authorization: Bearer …` only (a browser cookie is not accepted, so a
 * page cannot make a signed-in browser call tools):
 * - an OAuth access token (a JWT signed with Better Auth's JWKS, verified here with jose against
 *   the key set read in process): issuer, expiry and audience = this server's resource are
 *   checked, so a token issued for another resource is refused; its `scope` limits the tools;
 * - a personal token (the bearer token sign-in answers, a session): both scopes, like the REST API.
 */
export async function authenticateMcp(
  options: McpAuthOptions,
  request: FastifyRequest,
): Promise<McpCaller | McpAuthFailure> {
  const match = BEARER.exec(request.headers.authorization ?? "");
  if (!match)
    return { error: "invalid_request", description: "send an access token: Authorization: Bearer <token>" };
  const token = match[1]!;
  if (!JWT_SHAPE.test(token)) {
    const user = await resolveUser(options.auth, {
      headers: { authorization: `Bearer ${token}` },
    } as FastifyRequest);
    if (!user) return { error: "invalid_token", description: "the token is unknown, expired or revoked" };
    return { userId: user.id, scopes: new Set(MCP_SCOPES) };
  }
  try {
    const keys = createLocalJWKSet(await options.auth.api.getJwks());
    const { payload } = await jwtVerify(token, keys, { issuer: options.issuer, audience: options.resource });
    const scopes = new Set(typeof payload.scope === "string" ? payload.scope.split(" ") : []);
    if (!payload.sub) return { error: "invalid_token", description: "the token names no user" };
    // A sender-constrained (DPoP, RFC 9449) token needs proof checks this server does not make.
    if (payload.cnf !== undefined) {
      return {
        error: "invalid_token",
        description: "DPoP-bound tokens are not accepted; ask for a Bearer token",
      };
    }
    if (!scopes.has(MCP_READ_SCOPE)) {
      return { error: "insufficient_scope", description: `the token lacks the ${MCP_READ_SCOPE} scope` };
    }
    return { userId: payload.sub, scopes };
  } catch (error) {
    if (error instanceof joseErrors.JOSEError) {
      const description =
        error instanceof joseErrors.JWTClaimValidationFailed && error.claim === "aud"
          ? `the token was issued for another resource; ask for one with resource=${options.resource}`
          : "the token is invalid or expired";
      return { error: "invalid_token", description };
    }
    throw error;
  }
}

/** RFC 6750 §3 challenge with RFC 9728 §5.1's pointer to the protected resource metadata. */
export function mcpChallenge(failure: McpAuthFailure, resourceMetadataUrl: string): string {
  const scope = MCP_SCOPES.join(" ");
  const error =
    failure.error === "invalid_request"
      ? ""
      : `, error="${failure.error}", error_description="${failure.description}"`;
  return `Bearer resource_metadata="${resourceMetadataUrl}", scope="${scope}"${error}`;
}
