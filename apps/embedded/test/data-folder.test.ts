import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { copyMigratedDataFolder } from "@todo/db/testing";
import { freePort, runToExit, startEmbedded, stop } from "./embedded-process.ts";

const json = { "content-type": "application/json" };

test("one writer per data folder: a second start exits naming the holder, the first loses nothing; after kill -9 a start takes over; a damaged folder stops start-up", async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), "todo-lock-"));
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  // Not about a first start (npm-start.test.ts is): a migrated folder, without initdb.
  await copyMigratedDataFolder(dataDir);
  const first = await startEmbedded(dataDir, await freePort());
  t.after(() => first.child.kill("SIGKILL"));
  const signUp = await fetch(`${first.base}/api/auth/sign-up/email`, {
    method: "POST",
    headers: json,
    body: JSON.stringify({ email: "ada@example.com", password: "correct horse battery", name: "Ada" }),
  }).then((r) => r.json() as Promise<{ token: string; user: { id: string } }>);
  const auth = { authorization: `Bearer ${signUp.token}`, ...json };
  const addTask = async (base: string, title: string) => {
    const response = await fetch(`${base}/api/${signUp.user.id}/tasks`, {
      method: "POST",
      headers: auth,
      body: JSON.stringify({ title }),
    });
    assert.equal(response.status, 201, await response.clone().text());
  };
  const titles = async (base: string) => {
    const response = await fetch(`${base}/api/${signUp.user.id}/tasks?sort=title`, { headers: auth });
    const body = (await response.json()) as { items: { title: string }[] };
    return body.items.map((task) => task.title);
  };
  await addTask(first.base, "before the second start");

  const second = await runToExit(dataDir, await freePort());
  t.diagnostic(`the second start exited after ${second.ms} ms`);
  assert.equal(second.code, 1, second.output);
  assert.match(second.output, new RegExp(`data folder ${dataDir}.* in use by process ${first.child.pid}`));
  assert.doesNotMatch(second.output, /ready|Aborted|RuntimeError/);

  await addTask(first.base, "after the second start");
  assert.deepEqual(await titles(first.base), ["after the second start", "before the second start"]);

  // kill -9 leaves the lock behind; the next start finds its holder dead and takes it over.
  const killed = new Promise((resolve) => first.child.once("exit", resolve));
  first.child.kill("SIGKILL");
  await killed;
  assert.ok((await readdir(dataDir)).includes(".lock"), "the dead holder's lock is still there");
  const third = await startEmbedded(dataDir, await freePort());
  t.after(() => third.child.kill("SIGKILL"));
  assert.deepEqual(await titles(third.base), ["after the second start", "before the second start"]);
  // A backup needs the folder to itself: refused, naming the holder, while the server runs.
  const backup = spawnSync(
    process.execPath,
    ["--import", "tsx", "apps/embedded/src/data-folder-backup.ts", "backup", join(dataDir, "..", "x.tgz")],
    {
      cwd: new URL("../../../", import.meta.url).pathname,
      env: { ...process.env, DATA_DIR: dataDir },
      encoding: "utf8",
    },
  );
  assert.equal(backup.status, 1, backup.stderr);
  assert.match(backup.stderr, new RegExp(`in use by process ${third.child.pid}`));
  assert.equal(await stop(third.child), 0);

  // A damaged database (its write-ahead log gone) stops start-up with a message, not a WASM trace.
  for (const segment of await readdir(join(dataDir, "pg_wal"))) {
    if (/^[0-9A-F]{24}$/.test(segment)) await rm(join(dataDir, "pg_wal", segment));
  }
  const damaged = await runToExit(dataDir, await freePort());
  assert.equal(damaged.code, 1, damaged.output);
  assert.match(
    damaged.output,
    new RegExp(`cannot open the database in ${dataDir} \\(PostgreSQL 1\\d data folder\\)`),
  );
  assert.doesNotMatch(damaged.output, /at .*\.wasm|wasm-function/);
});

test("a folder that is not a database folder stops start-up with a message naming it", async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), "todo-notdata-"));
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  await writeFile(join(dataDir, "thesis.txt"), "not a database");
  const run = await runToExit(dataDir, await freePort());
  assert.equal(run.code, 1, run.output);
  assert.match(run.output, new RegExp(`${dataDir} is not a database folder`));
  assert.deepEqual(
    (await readdir(dataDir)).sort(),
    [".lock-owner.json", "thesis.txt"],
    "nothing was written into it",
  );
});
