import assert from "node:assert/strict";
import { test } from "node:test";
import { updatePreferences } from "../src/preferences.ts";
import { createUser, openService, startSmtpServer, taskEvent, testConfig, waitFor } from "./helpers.ts";

test("a due reminder goes out by e-mail (on by default), to the user, in plain text and HTML", async (t) => {
  const smtp = await startSmtpServer(t);
  const { db, database, service } = await openService(t, {
    config: testConfig({ email: { smtpUrl: smtp.url, from: "Todo <todo@example.com>" } }),
  });
  const user = await createUser(database, "Grace");
  await service.start();
  await service.handle(taskEvent("task.due.approaching", user.id, { title: "Pay <rent> & bills" }));

  const [mail] = await waitFor(() => (smtp.mails.length > 0 ? smtp.mails : undefined), "the e-mail");
  assert.deepEqual(mail!.to, [user.email]);
  assert.equal(mail!.from, "todo@example.com");
  assert.equal(mail!.subject, "Due in 1 hour: Pay <rent> & bills");
  assert.match(mail!.text, /“Pay <rent> & bills” is due Fri 15 Jan 2027, 09:00 \(UTC\)\./);
  assert.match(mail!.html, /<h1[^>]*>Due in 1 hour: Pay &lt;rent&gt; &amp; bills<\/h1>/, "HTML is escaped");
  const delivery = await waitFor(
    () =>
      db
        .selectFrom("notification_deliveries")
        .selectAll()
        .where("channel", "=", "email")
        .where("status", "=", "delivered")
        .executeTakeFirst(),
    "the delivered status",
  );
  assert.equal(delivery.destination, user.email);
});

test("preferences decide: e-mail on for completions when asked, off for reminders when turned off", async (t) => {
  const smtp = await startSmtpServer(t);
  const { db, database, service } = await openService(t, {
    config: testConfig({ email: { smtpUrl: smtp.url, from: "todo@example.com" } }),
  });
  const user = await createUser(database);
  await updatePreferences(db, user.id, {
    preferences: { "task.completed": { email: true }, "task.due.approaching": { email: false } },
  });
  await service.start();
  await service.handle(taskEvent("task.due.approaching", user.id, { taskId: 1, title: "No mail for me" }));
  await service.handle(taskEvent("task.completed", user.id, { taskId: 2, title: "Mail for me" }));
  await waitFor(() => smtp.mails.length > 0, "the completion e-mail");
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(
    smtp.mails.map((m) => m.subject),
    ["Completed: Mail for me"],
  );
  const emails = await db
    .selectFrom("notification_deliveries")
    .select("event_type")
    .where("channel", "=", "email")
    .execute();
  assert.deepEqual(
    emails,
    [{ event_type: "task.completed" }],
    "no delivery was even planned for the reminder",
  );
  // In-app stays on for both.
  assert.equal((await db.selectFrom("notifications").selectAll().execute()).length, 2);
});

test("without SMTP_URL e-mail is off: the service says so at start and records e-mails as skipped", async (t) => {
  const lines: string[] = [];
  const log = { info: (_o: object, msg: string) => lines.push(msg), warn() {}, error() {} };
  const { db, database, service, registry } = await openService(t, { log });
  const user = await createUser(database);
  await service.start();
  assert.ok(
    lines.some((l) => /email is disabled.*SMTP_URL/.test(l)),
    lines.join("\n"),
  );
  await service.handle(taskEvent("task.due.approaching", user.id));
  const row = await db
    .selectFrom("notification_deliveries")
    .selectAll()
    .where("channel", "=", "email")
    .executeTakeFirstOrThrow();
  assert.equal(row.status, "skipped");
  assert.match(row.last_error ?? "", /SMTP_URL/);
  assert.equal(row.attempts, 0);
  assert.doesNotMatch(await registry.metrics(), /outcome="(failed|dead)"/);
});

test("the e-mail tells the due time in the reader's own time zone", async (t) => {
  const smtp = await startSmtpServer(t);
  const { db, database, service } = await openService(t, {
    config: testConfig({ email: { smtpUrl: smtp.url, from: "Todo <todo@example.com>" } }),
  });
  const user = await createUser(database, "Aroha");
  await db.updateTable("users").set({ timezone: "Pacific/Auckland" }).where("id", "=", user.id).execute();
  await service.start();
  await service.handle(taskEvent("task.due.approaching", user.id, { title: "Standup" }));
  const [mail] = await waitFor(() => (smtp.mails.length > 0 ? smtp.mails : undefined), "the e-mail");
  // 2027-01-15T09:00Z is 22:00 the same day in Auckland (UTC+13).
  assert.match(mail!.text, /“Standup” is due Fri 15 Jan 2027, 22:00 \(Pacific\/Auckland\)\./);
});
