import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";

/** The SDK's own client over Streamable HTTP to a test backend's /mcp, with a bearer token. */
export async function connectMcp(baseUrl: string, token: string): Promise<Client> {
  const client = new Client({ name: "todo-tests", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL("/mcp", baseUrl), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
  return client;
}

/** A tool call's result, typed for assertions (the SDK's union also holds task results). */
export async function call(client: Client, name: string, args: Record<string, unknown> = {}) {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  return {
    isError: result.isError === true,
    // biome-ignore lint/suspicious/noExplicitAny: structured results are JSON of many shapes; tests assert on them
    data: result.structuredContent as any,
    text: result.content.map((part) => (part.type === "text" ? part.text : "")).join(""),
  };
}
