import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { copyMigratedDataFolder } from "@todo/db/testing";
import { openStream } from "../../../packages/api/test/sse-client.ts";
import { freePort, startEmbedded, stop } from "./embedded-process.ts";

test("embedded mode: a daily template due in 3 s yields one instance, live, and data survives a restart", async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), "todo-embedded-"));
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  // Not about a first start (npm-start.test.ts is): a migrated folder, without initdb.
  await copyMigratedDataFolder(dataDir);
  const port = await freePort();
  let server = await startEmbedded(dataDir, port);
  t.after(() => stop(server.child));

  const json = { "content-type": "application/json" };
  const signUp = await fetch(`${server.base}/api/auth/sign-up/email`, {
    method: "POST",
    headers: json,
    body: JSON.stringify({ email: "ada@example.com", password: "correct horse battery", name: "Ada" }),
  }).then((r) => r.json() as Promise<{ token: string; user: { id: string } }>);
  const auth = { authorization: `Bearer ${signUp.token}` };
  const api = `${server.base}/api/${signUp.user.id}`;

  const stream = openStream(`${api}/events/stream`, auth);
  t.after(() => stream.close());
  await stream.ready;
  const first = new Date(Date.now() + 3000);
  const template = await fetch(`${api}/recurring-tasks`, {
    method: "POST",
    headers: { ...auth, ...json },
    body: JSON.stringify({
      template_title: "Stretch",
      recurrence_pattern: "daily",
      next_occurrence: first.toISOString(),
      timezone: "Europe/Paris",
    }),
  }).then((r) => r.json() as Promise<{ id: number; next_occurrence: string }>);

  const [message] = await stream.waitFor(1, 15_000);
  const event = JSON.parse(message!.data);
  assert.equal(event.event_type, "task.created");
  assert.equal(event.source, "recurring-task-service");
  assert.equal(event.data.task.recurring_task_id, template.id);
  assert.equal(event.data.task.due_date, template.next_occurrence);
  await new Promise((r) => setTimeout(r, 1000));
  const instances = await fetch(`${api}/tasks?recurring_task_id=${template.id}`, { headers: auth }).then(
    (r) => r.json(),
  );
  assert.equal(instances.page.total, 1, "exactly one instance");
  const after = await fetch(`${api}/recurring-tasks/${template.id}`, { headers: auth }).then((r) => r.json());
  assert.equal(Date.parse(after.next_occurrence) - Date.parse(template.next_occurrence), 86_400_000);
  stream.close();

  assert.equal(await stop(server.child), 0, "a clean shutdown on SIGTERM");
  server = await startEmbedded(dataDir, port);
  const again = await fetch(`${api}/tasks`, { headers: auth }).then((r) => r.json());
  assert.equal(again.page.total, 1, "the session and the instance survived the restart");
});
