import assert from "node:assert/strict";
import { test } from "node:test";
import { sampleTask } from "@todo/contracts/testing";
import { recordEvent } from "@todo/events";
import { Webhook } from "standardwebhooks";
import { buildApi } from "./api-helpers.ts";
import { startReceiver, startSmtpServer, testConfig, waitFor } from "./helpers.ts";

/** As `npm start` composes it: backend + plugin, the outbox driver into the subscription, worker. */
async function embedded(t: import("node:test").TestContext, smtpUrl: string) {
  const api = await buildApi(t, {
    config: testConfig({ email: { smtpUrl, from: "todo@example.com" } }),
    retry: { baseMs: 50, maxMs: 200 },
  });
  await api.startPipeline();
  return api;
}

test("embedded: completing a task (e-mail on) gives an in-app notification, an e-mail and a signed webhook within seconds", async (t) => {
  const smtp = await startSmtpServer(t);
  const receiver = await startReceiver(t);
  const api = await embedded(t, smtp.url);
  const ada = await api.signUp("Ada");
  const base = `/api/${ada.userId}`;
  await api.request("PUT", `${base}/notification-preferences`, {
    token: ada.token,
    body: { preferences: { "task.completed": { email: true } } },
  });
  const hook = await api.request("POST", `${base}/webhooks`, {
    token: ada.token,
    body: { url: `${receiver.url}/todo`, event_types: ["task.completed"] },
  });
  const task = await api.request("POST", `${base}/tasks`, {
    token: ada.token,
    body: { title: "Write the report" },
  });
  assert.equal(task.status, 201);

  const done = await api.request("PATCH", `${base}/tasks/${task.body.id}/complete`, { token: ada.token });
  assert.equal(done.status, 200);
  assert.equal(done.body.completed, true);

  const list = await waitFor(async () => {
    const reply = await api.request("GET", `${base}/notifications`, { token: ada.token });
    return reply.body.items.length > 0 ? reply.body : undefined;
  }, "the in-app notification");
  assert.equal(list.items[0].title, "Completed: Write the report");
  assert.equal(list.items[0].task_id, task.body.id);
  assert.equal(list.unread_count, 1);

  const [mail] = await waitFor(() => (smtp.mails.length > 0 ? smtp.mails : undefined), "the e-mail");
  assert.deepEqual(mail!.to, [ada.email]);
  assert.equal(mail!.subject, "Completed: Write the report");

  const [request] = await waitFor(
    () => (receiver.received.length > 0 ? receiver.received : undefined),
    "the webhook",
  );
  const body = new Webhook(hook.body.secret).verify(request!.body.toString(), {
    "webhook-id": String(request!.headers["webhook-id"]),
    "webhook-timestamp": String(request!.headers["webhook-timestamp"]),
    "webhook-signature": String(request!.headers["webhook-signature"]),
  }) as { type: string; data: { task_id: number } };
  assert.equal(body.type, "task.completed");
  assert.equal(body.data.task_id, task.body.id);

  // The user's live stream carries the notification too.
  const stream = await api.db
    .selectFrom("outbox")
    .select("payload")
    .where("event_type", "=", "notification.created")
    .where("partition_key", "=", ada.userId)
    .execute();
  assert.equal(stream.length, 1);
});

test("embedded: a due reminder delivered twice yields exactly one in-app reminder", async (t) => {
  const smtp = await startSmtpServer(t);
  const api = await embedded(t, smtp.url);
  const ada = await api.signUp("Ada");
  // An hour from now: the reminder says the time left when it goes out.
  const due = new Date(Date.now() + 3_600_000).toISOString();
  const task = await api.request("POST", `/api/${ada.userId}/tasks`, {
    token: ada.token,
    // No reminders of its own: the one under test is recorded by hand below.
    body: { title: "Dentist", due_date: due, reminder_offsets_minutes: [] },
  });
  const event = await api.db.transaction().execute((tx) =>
    recordEvent(tx, {
      event_type: "task.due.approaching",
      task_id: task.body.id,
      user_id: ada.userId,
      source: "recurring-task-service",
      data: {
        task: sampleTask(ada.userId, task.body.id, {
          title: "Dentist",
          due_date: due,
        }),
        due_date: due,
        offset_minutes: 60,
      },
    }),
  );
  await waitFor(async () => {
    const reply = await api.request("GET", `/api/${ada.userId}/notifications`, { token: ada.token });
    return reply.body.items.length > 0;
  }, "the reminder");
  // The same event again, as a broker redelivery would bring it.
  assert.deepEqual(await api.service.handle(event), { outcome: "SUCCESS", note: "duplicate" });
  await waitFor(() => smtp.mails.length > 0, "the reminder e-mail");
  await new Promise((r) => setTimeout(r, 500));
  const reply = await api.request("GET", `/api/${ada.userId}/notifications`, { token: ada.token });
  assert.deepEqual(
    reply.body.items.map((n: { title: string }) => n.title),
    ["Due in 1 hour: Dentist"],
  );
  assert.equal(smtp.mails.length, 1, "one e-mail too");
});
