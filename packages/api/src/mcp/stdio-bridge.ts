import { pathToFileURL } from "node:url";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { z } from "zod";
import { MCP_PATH } from "./oauth-provider.ts";

/**
 * `npm run mcp`: the MCP server for local assistants that start a command (stdio). It relays
 * every message to a running instance's /mcp with a personal token, rather than opening the
 * database itself: the embedded database folder is locked by a running `npm start`, a
 * distributed deployment has no local database at all, and so the tools, their checks and their
 * events (`source: "mcp"`, live in the web app) are the HTTP server's, one implementation.
 *
 * Settings (environment): TODO_URL, the instance's address (default http://localhost:3000);
 * TODO_TOKEN, a personal token (the `token` sign-in answers). Nothing but MCP goes to stdout.
 */
export const StdioBridgeConfig = z.object({
  TODO_URL: z.url().default("http://localhost:3000"),
  TODO_TOKEN: z.string().min(1, "TODO_TOKEN is required: a personal token, the `token` sign-in answers"),
});

export async function runStdioBridge(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const parsed = StdioBridgeConfig.safeParse(env);
  if (!parsed.success) {
    for (const issue of parsed.error.issues)
      process.stderr.write(`${String(issue.path[0])}: ${issue.message}\n`);
    process.exit(2);
  }
  const { TODO_URL, TODO_TOKEN } = parsed.data;
  const remote = new StreamableHTTPClientTransport(new URL(MCP_PATH, TODO_URL), {
    requestInit: { headers: { authorization: `Bearer ${TODO_TOKEN}` } },
  });
  const local = new StdioServerTransport();
  local.onmessage = (message) => {
    remote.send(message).catch((error: unknown) => {
      fail(error);
      // A request must be answered, or the assistant waits for ever (a 401: a wrong or expired token).
      if ("method" in message && "id" in message) {
        const text = error instanceof Error ? error.message : String(error);
        void local.send({ jsonrpc: "2.0", id: message.id, error: { code: -32603, message: text } });
      }
    });
  };
  remote.onmessage = (message) => {
    local.send(message).catch((error: unknown) => fail(error));
  };
  remote.onerror = (error) => process.stderr.write(`todo MCP: ${error.message}\n`);
  local.onclose = () => void remote.close().finally(() => process.exit(0));
  await remote.start();
  await local.start();
}

function fail(error: unknown): void {
  process.stderr.write(`todo MCP: ${error instanceof Error ? error.message : String(error)}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await runStdioBridge();
