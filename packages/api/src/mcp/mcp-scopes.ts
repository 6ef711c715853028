/** OAuth scopes of the MCP server: reading the user's tasks, tags and notifications, and changing them. */
export const MCP_READ_SCOPE = "todo:read";
export const MCP_WRITE_SCOPE = "todo:write";
export const MCP_SCOPES = [MCP_READ_SCOPE, MCP_WRITE_SCOPE] as const;
export type McpScope = (typeof MCP_SCOPES)[number];

/** Who calls the MCP server and what their token allows. */
export interface McpCaller {
  userId: string;
  scopes: ReadonlySet<string>;
}
