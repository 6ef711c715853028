import assert from "node:assert/strict";
import { test } from "node:test";
import { sampleTask } from "@todo/contracts/testing";
import { recordEvent } from "@todo/events";
import { buildApi } from "./api-helpers.ts";
import { startSmtpServer, testConfig, waitFor } from "./helpers.ts";

/** As `npm start` composes it: backend + plugin, the outbox driver into the subscription, worker. */
async function embedded(t: import("node:test").TestContext, smtpUrl: string) {
  const api = await buildApi(t, {
    config: testConfig({ email: { smtpUrl, from: "todo@example.com" } }),
    retry: { baseMs: 50, maxMs: 200 },
  });
  await api.startPipeline();
  return api;
}

// Create → in-app notification, e-mail and signed webhook, in `npm start` itself and in the stack:
// apps/embedded/test/pipeline-suite.ts.

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
