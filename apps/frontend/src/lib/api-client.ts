// The one typed client for the backend: same origin, session cookie, problem+json errors.
import type {
  AuthResult,
  ChangePasswordBody,
  CreatedWebhook,
  CreateRecurringTaskBody,
  CreateTagBody,
  CreateTaskBody,
  CreateWebhookBody,
  FieldError,
  ListTasksQuery,
  Notification,
  NotificationChannels,
  NotificationList,
  NotificationPreferences,
  Preview,
  Priority,
  Problem,
  PushSubscriptionBody,
  RecurringTask,
  SignInBody,
  SignUpBody,
  Tag,
  Task,
  TaskList,
  UpdateNotificationPreferencesBody,
  UpdateRecurringTaskBody,
  UpdateTagBody,
  UpdateTaskBody,
  Webhook,
} from "@todo/contracts";
import type { z } from "zod";
import type { ActivityPage } from "./activity";

export type WebhookItem = z.infer<typeof Webhook>;
export type CreatedWebhookItem = z.infer<typeof CreatedWebhook>;
export type CreateWebhookInput = z.infer<typeof CreateWebhookBody>;
export type PushSubscriptionInput = z.infer<typeof PushSubscriptionBody>;
export type PreferencesUpdate = z.infer<typeof UpdateNotificationPreferencesBody>;
export type SessionUser = AuthResult["user"];
/** Filters of the Activity page: from/to are ISO instants, the cursor the last page's next_cursor. */
export interface ActivityQuery {
  task_id?: number | undefined;
  event_type?: string[] | undefined;
  from?: string | undefined;
  to?: string | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
}
export type TaskQuery = {
  [K in keyof z.output<typeof ListTasksQuery>]?: z.output<typeof ListTasksQuery>[K] | undefined;
};

/** A failed call. `problem` is the problem+json body when the server sent one. */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem | null;

  constructor(status: number, message: string, problem: Problem | null) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.problem = problem;
  }

  get code(): string {
    return this.problem?.code ?? (this.status === 0 ? "network_error" : "unknown");
  }

  get fieldErrors(): FieldError[] {
    return this.problem?.errors ?? [];
  }
}

/** Turns anything thrown by a call into a sentence a person can act on. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return "Something went wrong.";
}

function isProblem(value: unknown): value is Problem {
  return typeof value === "object" && value !== null && "status" in value && "code" in value;
}

function messageFor(status: number, body: unknown): string {
  if (isProblem(body)) return body.detail ?? body.title;
  if (typeof body === "object" && body !== null && "message" in body && typeof body.message === "string") {
    return body.message;
  }
  if (status === 401) return "Your session has ended. Please sign in again.";
  if (status === 404) return "Not found.";
  if (status >= 500) return "The server had a problem. Please try again.";
  return `Request failed (${status}).`;
}

export const UNAUTHORIZED_EVENT = "todo:unauthorized";

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/**
 * Writes this tab has sent and not yet seen answered. A read waits for them first, so a page
 * never shows what the same tab has just changed as it was before (read-your-writes): e.g. a
 * delete sent as the person leaves the list is counted out on the tags page that opens next.
 */
const writesInFlight = new Set<Promise<unknown>>();

function trackWrite<T>(write: Promise<T>): Promise<T> {
  writesInFlight.add(write);
  const done = () => writesInFlight.delete(write);
  write.then(done, done);
  return write;
}

/** Resolves once every write sent before the call has been answered (or has failed). */
async function writesSettled(): Promise<void> {
  if (writesInFlight.size > 0) await Promise.allSettled([...writesInFlight]);
}

function call<T>(
  method: Method,
  path: string,
  body?: unknown,
  signal?: AbortSignal,
  extraHeaders: Record<string, string> = {},
): Promise<T> {
  if (method !== "GET") return trackWrite(send<T>(method, path, body, signal, extraHeaders));
  return writesSettled().then(() => send<T>(method, path, body, signal, extraHeaders));
}

async function send<T>(
  method: Method,
  path: string,
  body?: unknown,
  signal?: AbortSignal,
  extraHeaders: Record<string, string> = {},
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: "same-origin",
      headers: {
        ...(body === undefined ? { accept: "application/json" } : { "content-type": "application/json" }),
        ...extraHeaders,
      },
      body: body === undefined ? null : JSON.stringify(body),
      signal: signal ?? null,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new ApiError(0, "Could not reach the server. Check your connection and try again.", null);
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown = null;
  if (text.length > 0) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = null;
    }
  }
  if (!response.ok) {
    const problem = isProblem(parsed) ? parsed : null;
    // The session provider listens for this and sends the person to the sign-in page.
    if (response.status === 401 && !path.startsWith("/api/auth/") && typeof window !== "undefined") {
      window.dispatchEvent(new Event(UNAUTHORIZED_EVENT));
    }
    throw new ApiError(response.status, messageFor(response.status, parsed), problem);
  }
  return parsed as T;
}

/** If-Match for a version read earlier (the API's ETag is "<version>"). */
function ifMatch(version: number | undefined): Record<string, string> {
  return version === undefined ? {} : { "if-match": `"${version}"` };
}

/** Arrays repeat the key (`event_type=a&event_type=b`); empty values are left out. */
function queryString(params: object): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params) as [string, unknown][]) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== undefined && item !== null && item !== "") search.append(key, String(item));
    }
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

export const authApi = {
  signUp: (body: SignUpBody) => call<AuthResult>("POST", "/api/auth/sign-up/email", body),
  signIn: (body: SignInBody) => call<AuthResult>("POST", "/api/auth/sign-in/email", body),
  signOut: () => call<unknown>("POST", "/api/auth/sign-out", {}),
  getSession: () => call<{ user: SessionUser } | null>("GET", "/api/auth/get-session"),
  /** Better Auth's own endpoint; `timezone` is our additional user field. */
  updateUser: (body: { timezone: string }) =>
    call<{ status: boolean }>("POST", "/api/auth/update-user", body),
  changePassword: (body: ChangePasswordBody) => call<unknown>("POST", "/api/auth/change-password", body),
};

export const publicApi = {
  priorities: async (): Promise<Priority[]> =>
    (await call<{ items: Priority[] }>("GET", "/api/priorities")).items,
  vapidPublicKey: () => call<{ public_key: string | null }>("GET", "/api/notifications/vapid-public-key"),
  notificationChannels: () => call<NotificationChannels>("GET", "/api/notifications/channels"),
};

/** Every call below goes to /api/{user_id}/…, the signed-in user's own resources. */
export function userApi(userId: string) {
  const base = `/api/${encodeURIComponent(userId)}`;
  return {
    userId,
    tasks: {
      list: (query: TaskQuery, signal?: AbortSignal) =>
        call<TaskList>("GET", `${base}/tasks${queryString(query)}`, undefined, signal),
      get: (id: number) => call<Task>("GET", `${base}/tasks/${id}`),
      create: (body: CreateTaskBody) => call<Task>("POST", `${base}/tasks`, body),
      /** With the version the form was filled from: a task changed meanwhile is a 412 (ApiError). */
      update: (id: number, body: UpdateTaskBody, version?: number) =>
        call<Task>("PUT", `${base}/tasks/${id}`, body, undefined, ifMatch(version)),
      /** Sends the state wanted, so a double click or a retry cannot undo it. */
      setComplete: (id: number, completed: boolean) =>
        call<Task>("PATCH", `${base}/tasks/${id}/complete`, { completed }),
      remove: (id: number) => call<void>("DELETE", `${base}/tasks/${id}`),
      /**
       * The same DELETE, sent so that it outlives the page (`keepalive`): for a page being closed or
       * left. Resolves once it is answered (never rejects: the page may be gone by then).
       */
      removeOnUnload: (id: number): Promise<unknown> =>
        trackWrite(
          fetch(`${base}/tasks/${id}`, {
            method: "DELETE",
            credentials: "same-origin",
            keepalive: true,
          }).catch(() => {}),
        ),
    },
    activity: {
      /** Everything that happened to the user's tasks, newest first. */
      list: (query: ActivityQuery, signal?: AbortSignal) =>
        call<ActivityPage>("GET", `${base}/activity${queryString(query)}`, undefined, signal),
      /** One task's story, oldest first; readable after the task is deleted. */
      forTask: (taskId: number, page: Pick<ActivityQuery, "cursor" | "limit">, signal?: AbortSignal) =>
        call<ActivityPage>("GET", `${base}/tasks/${taskId}/activity${queryString(page)}`, undefined, signal),
    },
    tags: {
      list: async (): Promise<Tag[]> => (await call<{ items: Tag[] }>("GET", `${base}/tags`)).items,
      create: (body: CreateTagBody) => call<Tag>("POST", `${base}/tags`, body),
      update: (id: number, body: UpdateTagBody) => call<Tag>("PUT", `${base}/tags/${id}`, body),
      remove: (id: number) => call<void>("DELETE", `${base}/tags/${id}`),
    },
    recurring: {
      list: async (): Promise<RecurringTask[]> =>
        (await call<{ items: RecurringTask[] }>("GET", `${base}/recurring-tasks`)).items,
      get: (id: number) => call<RecurringTask>("GET", `${base}/recurring-tasks/${id}`),
      create: (body: CreateRecurringTaskBody) => call<RecurringTask>("POST", `${base}/recurring-tasks`, body),
      update: (id: number, body: UpdateRecurringTaskBody) =>
        call<RecurringTask>("PUT", `${base}/recurring-tasks/${id}`, body),
      remove: (id: number) => call<void>("DELETE", `${base}/recurring-tasks/${id}`),
      preview: async (id: number, count = 5): Promise<string[]> =>
        (await call<z.infer<typeof Preview>>("GET", `${base}/recurring-tasks/${id}/preview?count=${count}`))
          .occurrences,
    },
    notifications: {
      list: (query: { limit?: number; offset?: number; unread?: boolean }) =>
        call<NotificationList>(
          "GET",
          `${base}/notifications${queryString({ limit: query.limit ?? 20, offset: query.offset ?? 0, unread: query.unread ? "true" : undefined })}`,
        ),
      markRead: (id: number, read = true) =>
        call<Notification>("PATCH", `${base}/notifications/${id}`, { read }),
      markAllRead: () => call<{ updated: number }>("POST", `${base}/notifications/read-all`),
      preferences: () => call<NotificationPreferences>("GET", `${base}/notification-preferences`),
      savePreferences: (body: PreferencesUpdate) =>
        call<NotificationPreferences>("PUT", `${base}/notification-preferences`, body),
    },
    webhooks: {
      list: async (): Promise<WebhookItem[]> =>
        (await call<{ items: WebhookItem[] }>("GET", `${base}/webhooks`)).items,
      create: (body: CreateWebhookInput) => call<CreatedWebhookItem>("POST", `${base}/webhooks`, body),
      remove: (id: number) => call<void>("DELETE", `${base}/webhooks/${id}`),
    },
    push: {
      subscribe: (body: PushSubscriptionInput) => call<unknown>("POST", `${base}/push-subscriptions`, body),
      unsubscribe: (endpoint: string) => call<unknown>("DELETE", `${base}/push-subscriptions`, { endpoint }),
    },
    eventStreamUrl: `${base}/events/stream`,
  };
}

export type UserApi = ReturnType<typeof userApi>;
