import { cimd } from "@better-auth/cimd";
import { fetchClientMetadataResource } from "@better-auth/cimd/node";
import { oauthProvider } from "@better-auth/oauth-provider";
import { jwt } from "better-auth/plugins/jwt";
import { MCP_SCOPES } from "./mcp-scopes.ts";

/** The MCP endpoint's path; its absolute URL is the OAuth resource (RFC 8707) tokens are bound to. */
export const MCP_PATH = "/mcp";

/** The canonical URI of the MCP server (MCP authorization, "Canonical Server URI"): PUBLIC_URL + /mcp. */
export function mcpResourceUrl(publicUrl: string): string {
  return new URL(MCP_PATH, publicUrl).href;
}

/** Better Auth's issuer: the auth base URL (RFC 8414 §2 `issuer`). */
export function oauthIssuer(publicUrl: string): string {
  return new URL("/api/auth", publicUrl).href;
}

// requirePKCE → require_pkce, clientId → client_id.
const snakeCase = (name: string) =>
  name.replace(/([a-z0-9])([A-Z]+)/g, (_, before: string, caps: string) => `${before}_${caps.toLowerCase()}`);

/** Table names of the OAuth provider and JWT plugins (migration 0010), in our plural snake_case. */
const TABLES: Record<string, string> = {
  oauthClient: "oauth_clients",
  oauthResource: "oauth_resources",
  oauthClientResource: "oauth_client_resources",
  oauthRefreshToken: "oauth_refresh_tokens",
  oauthAccessToken: "oauth_access_tokens",
  oauthConsent: "oauth_consents",
  oauthClientAssertion: "oauth_client_assertions",
  jwks: "jwks",
};

type PluginSchema = Record<string, { fields: Record<string, unknown> }>;

/**
 * A plugin's schema option naming its tables and columns as ours (snake_case): every field of
 * the plugin's own schema, so a field added by a Better Auth release shows up as a missing column
 * (the schema test compares them) instead of being silently left camelCase.
 */
function snakeCaseSchema(schema: PluginSchema) {
  return Object.fromEntries(
    Object.entries(schema).map(([model, { fields }]) => [
      model,
      {
        modelName: TABLES[model] ?? snakeCase(model),
        fields: Object.fromEntries(Object.keys(fields).map((field) => [field, snakeCase(field)])),
      },
    ]),
  );
}

export interface McpOAuthOptions {
  publicUrl: string;
}

/**
 * Better Auth as the MCP server's OAuth 2.1 authorization server:
 * - `jwt`: signs access tokens bound to a resource (JWKS at /api/auth/jwks);
 * - `oauthProvider`: authorization code with PKCE (S256, required for public clients), token,
 *   refresh, revocation, introspection, RFC 8414 metadata at
 *   /api/auth/.well-known/oauth-authorization-server, RFC 7591 dynamic registration for clients
 *   that predate Client ID Metadata Documents, and RFC 8707 resource indicators: a token asked for
 *   `resource=<PUBLIC_URL>/mcp` carries that audience, the only one /mcp accepts;
 * - `cimd`: Client ID Metadata Documents (an https client_id URL whose document is fetched, with
 *   resolve-once DNS pinning to public addresses), the registration the current MCP
 *   authorization profile prefers.
 * Scopes: todo:read (find, get, list) and todo:write (create, change, delete), plus offline_access.
 */
export function mcpOAuthPlugins(options: McpOAuthOptions) {
  const resource = mcpResourceUrl(options.publicUrl);
  const scopes = ["offline_access", ...MCP_SCOPES];
  const jwtPlugin = jwt({ disableSettingJwtHeader: true });
  const provider = (schema?: ReturnType<typeof snakeCaseSchema>) =>
    oauthProvider({
      // The web app's pages (trailing slashes: its static export's paths).
      loginPage: "/login/",
      consentPage: "/oauth/consent/",
      scopes,
      resources: [{ identifier: resource, name: "Todo MCP server", allowedScopes: [...MCP_SCOPES] }],
      clientRegistrationDefaultResources: [resource],
      clientRegistrationDefaultScopes: scopes,
      allowDynamicClientRegistration: true,
      allowUnauthenticatedClientRegistration: true,
      // Only the authorization code grant (with refresh): no client acts without a user here.
      grantTypes: ["authorization_code", "refresh_token"],
      silenceWarnings: { oauthAuthServerConfig: true, openidConfig: true },
      ...(schema ? { schema } : {}),
    });
  return [
    jwt({
      disableSettingJwtHeader: true,
      schema: snakeCaseSchema((jwtPlugin as unknown as { schema: PluginSchema }).schema),
    }),
    provider(snakeCaseSchema((provider() as unknown as { schema: PluginSchema }).schema)),
    cimd({ fetchClientMetadataResource, metadataProfile: "mcp-2026-07-28" }),
  ];
}
