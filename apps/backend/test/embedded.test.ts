import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { openStream } from "./sse-client.ts";

const root = new URL("../../../", import.meta.url).pathname;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** `npm start`'s entry point, as a real process on a loopback port. */
async function startEmbedded(
  dataDir: string,
  port: number,
): Promise<{ child: ChildProcess; base: string; output: string[] }> {
  const output: string[] = [];
  const child = spawn(process.execPath, ["--import", "tsx", "apps/backend/src/embedded.ts"], {
    cwd: root,
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
      RECURRING_TICK_MS: "250",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (d) => output.push(String(d)));
  child.stderr!.on("data", (d) => output.push(String(d)));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`embedded mode exited: ${output.join("")}`);
    try {
      if ((await fetch(`${base}/healthz`)).ok) return { child, base, output };
    } catch {}
    if (Date.now() > deadline) throw new Error(`no /healthz within 60 s: ${output.join("")}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  child.kill("SIGTERM");
  return exited;
}

test("embedded mode: a daily template due in 3 s yields one instance, live, and data survives a restart", async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), "todo-embedded-"));
  t.after(() => rm(dataDir, { recursive: true, force: true }));
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
