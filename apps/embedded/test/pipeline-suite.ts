// One end-to-end suite for both modes: the same HTTP calls, the same expectations, against
// `npm start` (events through the outbox driver) and against the stack (events through daprd and
// Kafka), both delivering to the notification service's one subscription. An entry file per mode
// says how to start the target; this module holds the tests.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Webhook } from "standardwebhooks";
import {
  type ReceivedMail,
  type ReceivedRequest,
  startReceiver,
  startSmtpServer,
  waitFor,
} from "../../../packages/notifications/test/helpers.ts";

/** What the suite runs against: the API's base URL, and how to stop what was started. */
export interface PipelineTarget {
  base: string;
  stop(): Promise<void>;
}

/** The local peers the target must be configured with (as environment variables). */
export interface PipelinePeers {
  /** SMTP_URL: a real SMTP server on loopback. */
  smtpUrl: string;
}

/** What the first test leaves for a mode's own checks (the stack reads the delivery history). */
export interface PipelineState {
  base: string;
  user?: { token: string; userId: string; email: string };
  completedNotificationId?: number;
}

interface Reply {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: replies are JSON of many shapes; tests assert on them
  body: any;
}

/**
 * Registers the suite's tests. `start` brings the target up with the peers' settings;
 * `timeoutMs` bounds each wait for an effect (the stack's path through Kafka is slower).
 */
export function pipelineSuite(
  mode: string,
  start: (peers: PipelinePeers) => Promise<PipelineTarget>,
  { timeoutMs = 30_000 }: { timeoutMs?: number } = {},
): PipelineState {
  const closers: (() => unknown)[] = [];
  const closes = { after: (fn: () => unknown) => closers.push(fn) };
  const state: PipelineState = { base: "" };
  let mails: ReceivedMail[] = [];
  let hooks: { url: string; received: ReceivedRequest[] } = { url: "", received: [] };
  let target: PipelineTarget | undefined;

  before(async () => {
    const smtp = await startSmtpServer(closes);
    mails = smtp.mails;
    hooks = await startReceiver(closes, () => ({ status: 204 }));
    target = await start({ smtpUrl: smtp.url });
    state.base = target.base;
  });
  after(async () => {
    await target?.stop();
    for (const close of closers.reverse()) await close();
  });

  async function call(method: string, path: string, body?: unknown): Promise<Reply> {
    const headers: Record<string, string> = {};
    if (state.user) headers.authorization = `Bearer ${state.user.token}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(`${state.base}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  }
  const api = (path: string) => `/api/${state.user!.userId}${path}`;
  const notifications = async () =>
    (await call("GET", api("/notifications"))).body.items as {
      id: number;
      event_type: string;
      task_id: number;
      title: string;
    }[];

  test(`${mode}: a task created and completed gives an in-app notification, an e-mail through SMTP and signed webhooks`, async () => {
    const email = `${crypto.randomUUID()}@example.com`;
    const signUp = await call("POST", "/api/auth/sign-up/email", {
      email,
      password: "correct horse battery",
      name: "Pipeline",
    });
    assert.equal(signUp.status, 200, JSON.stringify(signUp.body));
    state.user = { token: signUp.body.token, userId: signUp.body.user.id, email };
    const preferences = await call("PUT", api("/notification-preferences"), {
      preferences: { "task.completed": { email: true } },
    });
    assert.equal(preferences.status, 200);
    const hook = await call("POST", api("/webhooks"), {
      url: `${hooks.url}/todo`,
      event_types: ["task.created", "task.completed"],
    });
    assert.equal(hook.status, 201);

    const task = await call("POST", api("/tasks"), { title: "Write the report" });
    assert.equal(task.status, 201);
    const done = await call("PATCH", api(`/tasks/${task.body.id}/complete`));
    assert.equal(done.status, 200);

    const completed = await waitFor(
      async () => (await notifications()).find((n) => n.event_type === "task.completed"),
      "the in-app notification",
      timeoutMs,
    );
    assert.equal(completed.title, "Completed: Write the report");
    assert.equal(completed.task_id, task.body.id);
    state.completedNotificationId = completed.id;

    const mail = await waitFor(
      () => mails.find((m) => m.to.includes(email)),
      "the e-mail at the SMTP peer",
      timeoutMs,
    );
    assert.equal(mail.subject, "Completed: Write the report");

    const verified = await waitFor(
      () => {
        const bodies = hooks.received.map(
          (request) =>
            new Webhook(hook.body.secret).verify(request.body.toString(), {
              "webhook-id": String(request.headers["webhook-id"]),
              "webhook-timestamp": String(request.headers["webhook-timestamp"]),
              "webhook-signature": String(request.headers["webhook-signature"]),
            }) as { type: string; data: { task_id: number } },
        );
        return bodies.length >= 2 ? bodies : undefined;
      },
      "both signed webhooks",
      timeoutMs,
    );
    assert.deepEqual(verified.map((b) => [b.type, b.data.task_id]).sort(), [
      ["task.completed", task.body.id],
      ["task.created", task.body.id],
    ]);
  });

  test(`${mode}: a recurring template yields its instance, announced in the app`, async () => {
    const template = await call("POST", api("/recurring-tasks"), {
      template_title: "Water the plants",
      recurrence_pattern: "daily",
      next_occurrence: new Date(Date.now() + 2000).toISOString(),
    });
    assert.equal(template.status, 201, JSON.stringify(template.body));
    const instance = await waitFor(
      async () =>
        (
          (await call("GET", api("/tasks"))).body.items as { id: number; recurring_task_id: number | null }[]
        ).find((t) => t.recurring_task_id === template.body.id),
      "the instance",
      timeoutMs,
    );
    const announced = await waitFor(
      async () =>
        (await notifications()).find((n) => n.task_id === instance.id && n.event_type === "task.created"),
      "the instance's notification",
      timeoutMs,
    );
    assert.equal(announced.title, "New: Water the plants");
  });

  test(`${mode}: a reminder arrives when its time comes`, async () => {
    // Due in 65 s with a reminder 1 minute before: the reminder is due in about 5 s.
    const task = await call("POST", api("/tasks"), {
      title: "Call the dentist",
      due_date: new Date(Date.now() + 65_000).toISOString(),
      reminder_offsets_minutes: [1],
    });
    assert.equal(task.status, 201, JSON.stringify(task.body));
    const reminder = await waitFor(
      async () =>
        (await notifications()).find(
          (n) => n.task_id === task.body.id && n.event_type === "task.due.approaching",
        ),
      "the reminder",
      timeoutMs + 10_000,
    );
    // The text says the time left when it went out: under a minute reads "now".
    assert.match(reminder.title, /^Due (now|in 1 minute): Call the dentist$/);
  });

  return state;
}
