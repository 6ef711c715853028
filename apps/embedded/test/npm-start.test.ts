// `npm start` as a person, a supervisor and CI use it: the real npm, the README's walk-through
// script against it, signals sent to npm itself, and a port already taken.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import {
  exited,
  freePort,
  killGroup,
  repositoryRoot,
  spawnCollecting,
  startUntilHealthy,
  stop,
} from "./processes.ts";

// --ignore-scripts skips only `prestart` (the frontend build, a minute, which this test does not
// need); npm still runs the `start` script itself.
const npmStart = ["start", "--ignore-scripts"];

async function signUp(base: string, email: string): Promise<{ token: string; userId: string }> {
  const response = await fetch(`${base}/api/auth/sign-up/email`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password: "correct horse battery", name: "Grace" }),
  });
  const body = (await response.json()) as { token: string; user: { id: string } };
  return { token: body.token, userId: body.user.id };
}

async function portAnswers(base: string): Promise<boolean> {
  try {
    await fetch(`${base}/healthz`);
    return true;
  } catch {
    return false;
  }
}

test("npm start: the README walk-through passes where other users' tags exist; SIGTERM and SIGINT to npm stop the server with data kept; a taken port is one line", async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), "todo-npm-start-"));
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  const port = await freePort();
  const env = { DATA_DIR: dataDir, LOG_LEVEL: "warn" };
  const first = await startUntilHealthy("npm", npmStart, port, env);
  t.after(() => killGroup(first.child));

  // Another user's tags take the first ids, so a walk-through that assumed tag 1 would fail.
  const grace = await signUp(first.base, "grace@example.com");
  for (const name of ["work", "home"]) {
    const created = await fetch(`${first.base}/api/${grace.userId}/tags`, {
      method: "POST",
      headers: { authorization: `Bearer ${grace.token}`, "content-type": "application/json" },
      body: JSON.stringify({ name }),
    });
    assert.equal(created.status, 201);
  }

  const walk = spawnSync("bash", ["scripts/api-walkthrough.sh", first.base], {
    cwd: repositoryRoot,
    encoding: "utf8",
  });
  assert.equal(walk.status, 0, `the walk-through failed:\n${walk.stdout}\n${walk.stderr}`);
  assert.match(walk.stdout, /walk-through done: task \d+, tag (\d+)/);
  assert.notEqual(/tag (\d+)/.exec(walk.stdout)?.[1], "1", "the walk-through's tag is not the first one");

  // A second `npm start` on the same port stops with one line naming the port and PORT.
  const otherDir = await mkdtemp(join(tmpdir(), "todo-npm-start-"));
  t.after(() => rm(otherDir, { recursive: true, force: true }));
  const second = spawnCollecting("npm", npmStart, { ...env, DATA_DIR: otherDir, PORT: String(port) });
  assert.equal(await exited(second.child), 1);
  const secondOutput = second.output.join("");
  assert.match(
    secondOutput,
    new RegExp(`port ${port} is in use; stop what uses it or set PORT to another port`),
  );
  assert.doesNotMatch(secondOutput, /"stack"|\n\s+at /, "no stack trace");

  // SIGTERM to npm alone, as a supervisor sends it: the server stops and the port is free.
  assert.equal(await stop(first.child, "SIGTERM"), 0);
  assert.equal(await portAnswers(first.base), false, "nothing answers on the port after npm exited");

  const restarted = await startUntilHealthy("npm", npmStart, port, env);
  t.after(() => killGroup(restarted.child));
  const tags = await fetch(`${restarted.base}/api/${grace.userId}/tags`, {
    headers: { authorization: `Bearer ${grace.token}` },
  }).then((r) => r.json() as Promise<{ items: { name: string }[] }>);
  assert.deepEqual(
    tags.items.map((tag) => tag.name).sort(),
    ["home", "work"],
    "the data and the session survived",
  );

  // SIGINT to npm alone (not to its process group, as Ctrl-C would).
  assert.equal(await stop(restarted.child, "SIGINT"), 0);
  assert.equal(await portAnswers(restarted.base), false);
});
