// The soak's load: a few users, each a loop of API calls one after the other (create, update,
// complete, delete, tag edits, recurring templates due within seconds), every call and its
// answer kept in the history that the invariants are checked against.
import { randomUUID } from "node:crypto";
import { random } from "./schedule.ts";

export type Operation =
  | "sign-up"
  | "create-tag"
  | "create-webhook"
  | "create-template"
  | "create"
  | "update"
  | "complete"
  | "tag-edit"
  | "delete"
  | "canary";

/** One API call as the client saw it. `status` 0: no answer (refused, reset or timed out). */
export interface Call {
  user: string;
  op: Operation;
  method: string;
  path: string;
  /** The task (or template, tag, webhook) the call created or changed, when known. */
  id?: number;
  start: number;
  end: number;
  status: number;
  retryAfter?: string;
  /** The answer's body for 2xx task answers: what the database must hold if nothing followed. */
  task?: { title: string; completed: boolean; version: number; tag_ids: number[] };
  body?: unknown;
}

export interface SoakUser {
  id: string;
  token: string;
  tags: number[];
  /** Tasks this user created and has not seen deleted (a 2xx or 404 DELETE). */
  tasks: Map<number, { completed: boolean }>;
  webhookPath: string;
}

export class Client {
  readonly calls: Call[] = [];
  constructor(private readonly baseUrls: () => string[]) {}

  /** One call to a backend replica (drawn at random when two run), timed out after 15 s. */
  async call(
    user: string,
    op: Operation,
    method: string,
    path: string,
    body?: unknown,
    token?: string,
  ): Promise<Call & { json?: Record<string, unknown> }> {
    const urls = this.baseUrls();
    const base = urls[Math.floor(Math.random() * urls.length)]!;
    const start = Date.now();
    let status = 0;
    let json: Record<string, unknown> | undefined;
    let retryAfter: string | undefined;
    try {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(15_000),
      });
      status = response.status;
      retryAfter = response.headers.get("retry-after") ?? undefined;
      const text = await response.text();
      json = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
    } catch {
      // No answer, or one cut off: the call's outcome is unknown.
      if (status !== 0 && json === undefined) status = 0;
    }
    const call: Call = { user, op, method, path, start, end: Date.now(), status };
    if (retryAfter !== undefined) call.retryAfter = retryAfter;
    if (status >= 400 && json) call.body = json;
    if (ok(status) && typeof json?.id === "number") call.id = json.id;
    this.calls.push(call);
    return { ...call, ...(json ? { json } : {}) };
  }
}

const ok = (status: number) => status >= 200 && status < 300;

function taskOf(json: Record<string, unknown> | undefined): Call["task"] {
  if (!json) return undefined;
  const tags = (json.tags as { id: number }[] | undefined)?.map((t) => t.id) ?? (json.tag_ids as number[]);
  return {
    title: json.title as string,
    completed: json.completed as boolean,
    version: json.version as number,
    tag_ids: [...(tags ?? [])].sort((a, b) => a - b),
  };
}

/** Signs a user up and gives them three tags and a webhook to the receiver (`/gone/` for 410s). */
export async function setUpUser(client: Client, receiverUrl: string, gone: boolean): Promise<SoakUser> {
  const email = `${randomUUID()}@example.com`;
  const signUp = await client.call("?", "sign-up", "POST", "/api/auth/sign-up/email", {
    email,
    password: "correct horse battery",
    name: "Soak",
  });
  if (!ok(signUp.status)) throw new Error(`sign-up answered ${signUp.status}`);
  const reply = signUp.json as { token: string; user: { id: string } };
  const user: SoakUser = {
    id: reply.user.id,
    token: reply.token,
    tags: [],
    tasks: new Map(),
    webhookPath: `/${gone ? "gone" : "flaky"}/${reply.user.id}`,
  };
  for (const name of ["home", "work", "errands"]) {
    const tag = await client.call(
      user.id,
      "create-tag",
      "POST",
      `/api/${user.id}/tags`,
      { name },
      user.token,
    );
    if (!ok(tag.status)) throw new Error(`creating a tag answered ${tag.status}`);
    user.tags.push(tag.json!.id as number);
  }
  const hook = await client.call(
    user.id,
    "create-webhook",
    "POST",
    `/api/${user.id}/webhooks`,
    {
      url: `${receiverUrl}${user.webhookPath}`,
      event_types: ["task.created", "task.updated", "task.completed", "task.deleted"],
    },
    user.token,
  );
  if (!ok(hook.status)) throw new Error(`creating a webhook answered ${hook.status}`);
  // A template due every minute: over the run, its instances show any skipped or doubled occurrence.
  await createTemplate(client, user, {
    recurrence_pattern: "custom",
    cron_expression: "* * * * *",
  });
  return user;
}

function createTemplate(client: Client, user: SoakUser, timing: Record<string, unknown>) {
  return client.call(
    user.id,
    "create-template",
    "POST",
    `/api/${user.id}/recurring-tasks`,
    {
      template_title: `soak ${randomUUID().slice(0, 8)}`,
      timezone: "UTC",
      catch_up: "all",
      lead_time_minutes: 0,
      ...timing,
    },
    user.token,
  );
}

/**
 * One user's loop until `until()`: a call, then 100-400 ms of think time. Each call is drawn
 * from `seed` (the answers it meets, and so the tasks it touches, vary from run to run).
 */
export async function runUser(client: Client, user: SoakUser, seed: number, until: () => boolean) {
  const next = random(seed);
  const pick = <T>(items: T[]): T | undefined => items[Math.floor(next() * items.length)];
  const base = `/api/${user.id}`;
  const taskPath = (id: number) => `${base}/tasks/${id}`;
  while (!until()) {
    const ids = [...user.tasks.keys()];
    const r = next();
    const id = pick(ids);
    if (r < 0.3 || id === undefined || ids.length < 3) {
      const tagIds = user.tags.filter(() => next() < 0.4);
      const created = await client.call(
        user.id,
        "create",
        "POST",
        `${base}/tasks`,
        { title: `task ${randomUUID().slice(0, 8)}`, tag_ids: tagIds },
        user.token,
      );
      if (ok(created.status)) record(client, created, user);
    } else if (r < 0.5) {
      const updated = await client.call(
        user.id,
        "update",
        "PUT",
        taskPath(id),
        { title: `renamed ${randomUUID().slice(0, 8)}`, description: `at ${new Date().toISOString()}` },
        user.token,
      );
      settle(client, updated, user, id);
    } else if (r < 0.65) {
      const completed = !user.tasks.get(id)!.completed;
      const answer = await client.call(
        user.id,
        "complete",
        "PATCH",
        `${taskPath(id)}/complete`,
        { completed },
        user.token,
      );
      settle(client, answer, user, id);
    } else if (r < 0.8) {
      const tagIds = user.tags.filter(() => next() < 0.5);
      const answer = await client.call(
        user.id,
        "tag-edit",
        "PUT",
        taskPath(id),
        { tag_ids: tagIds },
        user.token,
      );
      settle(client, answer, user, id);
    } else if (r < 0.9 && ids.length > 5) {
      const answer = await client.call(user.id, "delete", "DELETE", taskPath(id), undefined, user.token);
      client.calls.at(-1)!.id = id;
      if (ok(answer.status) || answer.status === 404) user.tasks.delete(id);
    } else {
      // Due in 2-8 s: an instance every few seconds across the users.
      const due = new Date(Date.now() + 2000 + Math.floor(next() * 6000));
      await createTemplate(client, user, {
        recurrence_pattern: "daily",
        next_occurrence: due.toISOString(),
        max_occurrences: 1,
      });
    }
    await new Promise((r) => setTimeout(r, 100 + Math.floor(next() * 300)));
  }
}

function record(client: Client, answer: Call & { json?: Record<string, unknown> }, user: SoakUser) {
  const call = client.calls.at(-1)!;
  const task = taskOf(answer.json);
  call.id = answer.json!.id as number;
  if (task) call.task = task;
  user.tasks.set(call.id, { completed: task?.completed ?? false });
}

function settle(
  client: Client,
  answer: Call & { json?: Record<string, unknown> },
  user: SoakUser,
  id: number,
) {
  const call = client.calls.at(-1)!;
  call.id = id;
  if (ok(answer.status)) {
    const task = taskOf(answer.json);
    if (task) call.task = task;
    user.tasks.set(id, { completed: task?.completed ?? false });
  } else if (answer.status === 404) user.tasks.delete(id);
}
