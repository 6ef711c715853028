import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { ServiceError } from "@todo/contracts";
import { MCP_WRITE_SCOPE, type McpCaller } from "./mcp-scopes.ts";

/** Where a tool's unexpected failures are logged (the detail stays out of the answer). */
export type McpErrorLog = (error: unknown, tool: string) => void;

/** A tool's answer: the object as structured content, and the same JSON as text for older clients. */
export function toolResult(value: Record<string, unknown>): CallToolResult {
  return { content: [{ type: "text", text: JSON.stringify(value) }], structuredContent: value };
}

/**
 * A tool error the model can act on: `isError` with the API's stable `code`, a sentence, the
 * fields at fault and, for a stale `if_match_version`, the current version. Anything that is not
 * a ServiceError is logged and answered as `internal_error`, never with its message.
 */
export function toolError(error: unknown, tool: string, log: McpErrorLog): CallToolResult {
  if (!(error instanceof ServiceError)) {
    log(error, tool);
    return errorResult({ code: "internal_error", message: "Something went wrong on the server; try again." });
  }
  return errorResult({
    code: error.code,
    message: error.message,
    ...(error.errors ? { errors: error.errors } : {}),
    ...(error.currentVersion !== undefined ? { current_version: error.currentVersion } : {}),
  });
}

function errorResult(body: { code: string; message: string } & Record<string, unknown>): CallToolResult {
  const fields = Array.isArray(body.errors)
    ? ` (${(body.errors as { field: string; message: string }[]).map((e) => `${e.field}: ${e.message}`).join("; ")})`
    : "";
  return {
    isError: true,
    content: [{ type: "text", text: `${body.code}: ${body.message}${fields}` }],
    structuredContent: body,
  };
}

/** A write tool called with a token that was granted reading only: RFC 6750's insufficient_scope, as a tool error. */
export function requireWriteScope(caller: McpCaller): void {
  if (!caller.scopes.has(MCP_WRITE_SCOPE)) {
    throw new ServiceError(
      "forbidden",
      `this token may only read; changing tasks needs the ${MCP_WRITE_SCOPE} scope (sign in again and allow changes)`,
    );
  }
}
