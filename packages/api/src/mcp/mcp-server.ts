import { McpServer, ResourceTemplate, type ToolCallback } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult, ToolAnnotations } from "@modelcontextprotocol/sdk/types.js";
import {
  BodyId,
  CreateRecurringTaskBody,
  CreateTagBody,
  CreateTaskBody,
  HexColor,
  ListNotificationsQuery,
  ListTasksQuery,
  Notification,
  NotificationList,
  Preview,
  ReadAllResult,
  RecurringTask,
  ServiceError,
  Tag,
  TagList,
  TagName,
  Task,
  TaskList,
  UpdateTaskBody,
} from "@todo/contracts";
import type { Executor } from "@todo/db";
import { listNotifications, markAllRead, setNotificationRead } from "@todo/notifications";
import {
  createRecurringTask,
  createTag,
  createTask,
  deleteTask,
  getTask,
  listTags,
  listTasksJson,
  previewRecurringTask,
  type ServiceContext,
  setTaskCompletion,
  updateTag,
  updateTask,
} from "@todo/tasks";
import { z } from "zod";
import type { McpCaller } from "./mcp-scopes.ts";
import { type McpErrorLog, requireWriteScope, toolError, toolResult } from "./mcp-tool-result.ts";

export interface McpServerDeps {
  db: Executor;
  caller: McpCaller;
  log: McpErrorLog;
  /** Active recurring templates per user (MAX_ACTIVE_RECURRING_TASKS), as the REST API enforces it. */
  maxActiveTemplates?: number;
}

// Annotations (MCP spec, ToolAnnotations): none of these tools reaches outside the user's own data.
const READ: ToolAnnotations = { readOnlyHint: true, openWorldHint: false };
const ADD: ToolAnnotations = {
  readOnlyHint: false,
  destructiveHint: false,
  idempotentHint: false,
  openWorldHint: false,
};
const SET: ToolAnnotations = {
  readOnlyHint: false,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: false,
};
const OVERWRITE: ToolAnnotations = { ...SET, destructiveHint: true };

/** If-Match for tools: the task's `version` as last read; a change made since then is refused. */
const IfMatchVersion = z
  .number()
  .int()
  .min(0)
  .optional()
  .describe(
    "The task's version as you last read it; if it changed since, the call is refused (precondition_failed).",
  );
const TaskId = BodyId.describe("The task's id");

/**
 * The MCP server for one caller: tools over the same verbs as the REST API (`@todo/tasks`), input
 * and output schemas from `@todo/contracts`, every change an event with `source: "mcp"`. A tool
 * finds only the caller's own objects: another user's id is `not_found`, as in the REST API.
 */
export function createTodoMcpServer(deps: McpServerDeps): McpServer {
  const { caller } = deps;
  const server = new McpServer(
    { name: "todo", title: "Todo", version: "0.1.0" },
    {
      instructions:
        "Manage the signed-in user's tasks, tags, recurring tasks and notifications. Dates are ISO 8601 with an offset. Ids come from find_tasks and list_tags.",
    },
  );
  const ctx = (ifMatch?: number): ServiceContext => ({
    db: deps.db,
    userId: caller.userId,
    source: "mcp",
    ifMatch,
  });

  // One wrapper for every tool: the write check first, then the verb; failures as tool errors.
  function run(name: string, write: boolean, body: () => Promise<Record<string, unknown>>) {
    return async (): Promise<CallToolResult> => {
      try {
        if (write) requireWriteScope(caller);
        return toolResult(await body());
      } catch (error) {
        return toolError(error, name, deps.log);
      }
    };
  }
  function tool<In extends z.ZodObject, Out extends z.ZodObject>(
    name: string,
    config: { title: string; description: string; input: In; output: Out; annotations: ToolAnnotations },
    handler: (args: z.output<In>) => Promise<z.output<Out>>,
  ) {
    const write = config.annotations.readOnlyHint !== true;
    server.registerTool(
      name,
      {
        title: config.title,
        description: config.description,
        inputSchema: config.input,
        outputSchema: config.output,
        annotations: { title: config.title, ...config.annotations },
      },
      // The SDK has validated the arguments against `input` before this runs.
      ((args: z.output<In>) => run(name, write, () => handler(args))()) as unknown as ToolCallback<In>,
    );
  }

  tool(
    "find_tasks",
    {
      title: "Find tasks",
      description:
        "The user's tasks, filtered (status, priority, tag, due range), searched (title and description, ignoring case and accents), sorted and paged. Page on with `cursor` = page.next_cursor.",
      input: ListTasksQuery,
      output: TaskList,
      annotations: READ,
    },
    async (query) => JSON.parse(await listTasksJson(ctx(), query)) as TaskList,
  );
  tool(
    "get_task",
    {
      title: "Get a task",
      description: "One task with its priority, tags and version.",
      input: z.strictObject({ id: TaskId }),
      output: Task,
      annotations: READ,
    },
    ({ id }) => getTask(ctx(), id),
  );
  tool(
    "create_task",
    {
      title: "Create a task",
      description: "A new task; the priority defaults to Medium. Each call creates one more task.",
      input: CreateTaskBody,
      output: Task,
      annotations: ADD,
    },
    (input) => createTask(ctx(), input),
  );
  tool(
    "update_task",
    {
      title: "Update a task",
      description:
        "Change the fields given and keep the others; null clears a nullable field, tag_ids replaces the tag list.",
      input: UpdateTaskBody.extend({ id: TaskId, if_match_version: IfMatchVersion }),
      output: Task,
      annotations: OVERWRITE,
    },
    ({ id, if_match_version, ...patch }) => updateTask(ctx(if_match_version), id, patch),
  );
  tool(
    "complete_task",
    {
      title: "Complete or reopen a task",
      description: "Mark a task completed (completed: true, the default) or reopen it (completed: false).",
      input: z.strictObject({
        id: TaskId,
        completed: z.boolean().default(true),
        if_match_version: IfMatchVersion,
      }),
      output: Task,
      annotations: SET,
    },
    ({ id, completed, if_match_version }) => setTaskCompletion(ctx(if_match_version), id, completed),
  );
  tool(
    "delete_task",
    {
      title: "Delete a task",
      description: "Delete a task for good; answers with the task as it was.",
      input: z.strictObject({ id: TaskId, if_match_version: IfMatchVersion }),
      output: z.object({ deleted: Task }),
      annotations: OVERWRITE,
    },
    async ({ id, if_match_version }) => ({ deleted: await deleteTask(ctx(if_match_version), id) }),
  );
  tool(
    "list_tags",
    {
      title: "List tags",
      description: "The user's tags with their colors and how many tasks carry each.",
      input: z.strictObject({}),
      output: TagList,
      annotations: READ,
    },
    async () => ({ items: await listTags(ctx()) }),
  );
  tool(
    "create_tag",
    {
      title: "Create a tag",
      description: "A new tag; names are unique per user ignoring case (a taken name is tag_name_taken).",
      input: CreateTagBody,
      output: Tag,
      annotations: ADD,
    },
    (input) => createTag(ctx(), input),
  );
  tool(
    "rename_tag",
    {
      title: "Rename a tag",
      description: "Give a tag a new name (and optionally a new color); its tasks keep it.",
      input: z.strictObject({ tag_id: BodyId, name: TagName, color: HexColor.optional() }),
      output: Tag,
      annotations: SET,
    },
    ({ tag_id, ...patch }) => updateTag(ctx(), tag_id, patch),
  );
  tool(
    "create_recurring_task",
    {
      title: "Create a recurring task",
      description:
        "A template that creates a task at each occurrence of its rule (daily, weekly, monthly, yearly with an interval and weekdays, or a five-field cron for custom), in its time zone. next_occurrence is the first occurrence (like DTSTART).",
      input: CreateRecurringTaskBody,
      output: RecurringTask,
      annotations: ADD,
    },
    (input) =>
      createRecurringTask(
        ctx(),
        input,
        new Date(),
        deps.maxActiveTemplates !== undefined ? { maxActiveTemplates: deps.maxActiveTemplates } : {},
      ),
  );
  tool(
    "preview_recurring_task",
    {
      title: "Preview a recurring task",
      description: "The next occurrences of a recurring task's rule, without creating anything.",
      input: z.strictObject({ id: BodyId, count: z.number().int().min(1).max(100).default(5) }),
      output: Preview,
      annotations: READ,
    },
    async ({ id, count }) => ({ occurrences: await previewRecurringTask(ctx(), id, count) }),
  );
  tool(
    "list_notifications",
    {
      title: "List notifications",
      description: "The user's in-app notifications, newest first, with the unread count.",
      input: ListNotificationsQuery,
      output: NotificationList,
      annotations: READ,
    },
    (query) => listNotifications({ db: deps.db, userId: caller.userId }, query),
  );
  tool(
    "mark_notification_read",
    {
      title: "Mark a notification read",
      description: "Mark one notification read (read: true, the default) or unread.",
      input: z.strictObject({ id: BodyId, read: z.boolean().default(true) }),
      output: Notification,
      annotations: SET,
    },
    ({ id, read }) => setNotificationRead({ db: deps.db, userId: caller.userId }, id, read),
  );
  tool(
    "mark_all_notifications_read",
    {
      title: "Mark all notifications read",
      description: "Mark every unread notification read; answers with how many changed.",
      input: z.strictObject({}),
      output: ReadAllResult,
      annotations: SET,
    },
    () => markAllRead({ db: deps.db, userId: caller.userId }),
  );

  registerTodoResources(server, deps);
  registerTodoPrompts(server);
  return server;
}

/** `todo://tasks/{id}` (one task) and `todo://tags` (the tag list), as JSON. */
function registerTodoResources(server: McpServer, deps: McpServerDeps): void {
  const ctx: ServiceContext = { db: deps.db, userId: deps.caller.userId, source: "mcp" };
  server.registerResource(
    "task",
    new ResourceTemplate("todo://tasks/{id}", { list: undefined }),
    { title: "A task", description: "One of your tasks, as JSON", mimeType: "application/json" },
    async (uri, { id }) => {
      const parsed = BodyId.safeParse(Number(id));
      if (!parsed.success) throw ServiceError.notFound("task");
      const task = await getTask(ctx, parsed.data);
      return { contents: [{ uri: uri.href, mimeType: "application/json", text: JSON.stringify(task) }] };
    },
  );
  server.registerResource(
    "tags",
    "todo://tags",
    {
      title: "Your tags",
      description: "Your tags with their colors and task counts, as JSON",
      mimeType: "application/json",
    },
    async (uri) => ({
      contents: [
        { uri: uri.href, mimeType: "application/json", text: JSON.stringify({ items: await listTags(ctx) }) },
      ],
    }),
  );
}

function registerTodoPrompts(server: McpServer): void {
  server.registerPrompt(
    "plan_my_day",
    {
      title: "Plan my day",
      description: "Today's and overdue open tasks, most urgent first, turned into a plan for the day.",
      argsSchema: {
        timezone: z.string().optional().describe("Your IANA time zone, like Europe/Paris (default UTC)"),
      },
    },
    ({ timezone }) => ({
      messages: [
        {
          role: "user",
          content: {
            type: "text",
            text: [
              `Plan my day${timezone ? ` (my time zone is ${timezone})` : ""}.`,
              "1. Call find_tasks with status=pending, due_before = the end of today in my time zone, sort=priority, order=desc (page on with cursor until page.next_cursor is null).",
              "2. Split them into overdue (due before now) and due today; within each, highest priority first, then earliest due.",
              "3. Propose an order for the day with a short reason per task, and point out what looks too much for one day.",
              "Do not change any task unless I ask you to.",
            ].join("\n"),
          },
        },
      ],
    }),
  );
  server.registerPrompt(
    "weekly_review",
    {
      title: "Weekly review",
      description: "What was completed, what is overdue, and what is coming up next week.",
    },
    () => ({
      messages: [
        {
          role: "user",
          content: {
            type: "text",
            text: [
              "Help me review my week.",
              "Use find_tasks three times: status=completed sorted by created_at desc; status=pending with due_before=now (overdue); status=pending with due_after=now and due_before=now + 7 days.",
              "Summarise what I finished, list what is overdue by priority, and suggest what to reschedule or drop. Ask before changing anything.",
            ].join("\n"),
          },
        },
      ],
    }),
  );
}
