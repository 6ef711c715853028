import { oauthProviderAuthServerMetadata } from "@better-auth/oauth-provider";
import { oauthProviderResourceClient } from "@better-auth/oauth-provider/resource-client";
import type { Executor } from "@todo/db";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Auth } from "../auth.ts";
import { authenticateMcp, mcpChallenge } from "./mcp-auth.ts";
import { MCP_SCOPES } from "./mcp-scopes.ts";
import { MCP_PATH, mcpResourceUrl, oauthIssuer } from "./oauth-provider.ts";

export interface McpRouteOptions {
  db: Executor;
  auth: Auth;
  publicUrl: string;
  maxActiveTemplates?: number;
}

/** RFC 9728 §3.1: the metadata of a resource with a path lives at the well-known URI plus that path. */
export const PROTECTED_RESOURCE_METADATA_PATH = `/.well-known/oauth-protected-resource${MCP_PATH}`;

/**
 * The MCP server over Streamable HTTP at POST /mcp, stateless (each request gets its own server for
 * its caller, so no session is held between requests and any replica can answer), plus the
 * discovery documents an MCP client reads before it signs in:
 * - GET /.well-known/oauth-protected-resource/mcp (RFC 9728), also at the path-less well-known URI;
 * - GET /.well-known/oauth-authorization-server[/api/auth] (RFC 8414, Better Auth's own document).
 * Without a valid token /mcp answers 401 with `WWW-Authenticate: Bearer resource_metadata=…`.
 */
export function mcpRoutes(app: FastifyInstance, options: McpRouteOptions): void {
  let mcp: Promise<McpModules> | undefined;
  const tags = ["mcp"];
  const resource = mcpResourceUrl(options.publicUrl);
  const issuer = oauthIssuer(options.publicUrl);
  const resourceMetadataUrl = new URL(PROTECTED_RESOURCE_METADATA_PATH, options.publicUrl).href;
  const resourceClient = oauthProviderResourceClient(options.auth).getActions();
  const authServerMetadata = oauthProviderAuthServerMetadata(options.auth);

  const protectedResource = async () =>
    resourceClient.getProtectedResourceMetadata({
      resource,
      authorization_servers: [issuer],
      scopes_supported: [...MCP_SCOPES],
      bearer_methods_supported: ["header"],
      resource_name: "Todo",
      resource_documentation: new URL("/docs", options.publicUrl).href,
      // Bearer tokens only: DPoP proofs are not checked here, so none are advertised.
      dpop_signing_alg_values_supported: undefined,
    });
  for (const url of [PROTECTED_RESOURCE_METADATA_PATH, "/.well-known/oauth-protected-resource"]) {
    const shown = url === PROTECTED_RESOURCE_METADATA_PATH;
    app.get(
      url,
      {
        schema: shown
          ? { tags, summary: "The MCP server's OAuth protected resource metadata (RFC 9728)" }
          : { hide: true },
      },
      async () => protectedResource(),
    );
  }
  // RFC 8414 §3: for the issuer http://host/api/auth the document is at the well-known URI plus
  // /api/auth; clients that ignore the issuer's path look at the root one.
  for (const url of [
    "/.well-known/oauth-authorization-server/api/auth",
    "/.well-known/oauth-authorization-server",
  ]) {
    const shown = url.endsWith("/api/auth");
    const schema = shown
      ? { tags, summary: "Better Auth's OAuth authorization server metadata (RFC 8414)" }
      : { hide: true };
    app.get(url, { schema }, async (request, reply) => {
      const response = await authServerMetadata(new Request(new URL(request.url, options.publicUrl)));
      response.headers.forEach((value, key) => {
        if (key !== "content-length") reply.header(key, value);
      });
      return reply.code(response.status).send(await response.json());
    });
  }

  const handle = async (request: FastifyRequest, reply: FastifyReply) => {
    const caller = await authenticateMcp({ auth: options.auth, resource, issuer }, request);
    if ("error" in caller) {
      const status = caller.error === "insufficient_scope" ? 403 : 401;
      return reply
        .code(status)
        .header("www-authenticate", mcpChallenge(caller, resourceMetadataUrl))
        .send(jsonRpcError(caller.description));
    }
    if (request.method !== "POST") {
      // Stateless: no server-initiated stream to open (GET) and no session to end (DELETE).
      return reply
        .code(405)
        .header("allow", "POST")
        .send(jsonRpcError("this server is stateless: POST only"));
    }
    mcp ??= loadMcp().catch((error) => {
      mcp = undefined;
      throw error;
    });
    const { createTodoMcpServer, StreamableHTTPServerTransport } = await mcp;
    const server = createTodoMcpServer({
      db: options.db,
      caller,
      log: (error, tool) => request.log.error({ err: error, tool }, "MCP tool failed"),
      ...(options.maxActiveTemplates !== undefined ? { maxActiveTemplates: options.maxActiveTemplates } : {}),
    });
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    reply.hijack();
    reply.raw.on("close", () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(request.raw, reply.raw, request.body);
  };
  app.post(
    MCP_PATH,
    {
      schema: {
        tags,
        summary:
          "MCP over Streamable HTTP (JSON-RPC); Authorization: Bearer, an OAuth access token for PUBLIC_URL/mcp or a personal token",
      },
    },
    handle,
  );
  app.route({ method: ["GET", "DELETE"], url: MCP_PATH, schema: { hide: true }, handler: handle });
}

type McpModules = typeof import("./mcp-server.ts") &
  typeof import("@modelcontextprotocol/sdk/server/streamableHttp.js");

/**
 * The MCP SDK and our tools load with the first authenticated call of /mcp, not at start-up: the
 * SDK's schemas, and @hono/node-server under its transport, which loads node:http2 and node's own
 * copy of undici (~45 ms of the backend's start-up CPU in a --cpu-prof of the bundle).
 */
async function loadMcp(): Promise<McpModules> {
  const [tools, transport] = await Promise.all([
    import("./mcp-server.ts"),
    import("@modelcontextprotocol/sdk/server/streamableHttp.js"),
  ]);
  return { ...tools, ...transport };
}

function jsonRpcError(message: string) {
  return { jsonrpc: "2.0", error: { code: -32001, message }, id: null };
}
