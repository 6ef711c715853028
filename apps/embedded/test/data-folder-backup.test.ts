import assert from "node:assert/strict";
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { copyMigratedDataFolder } from "@todo/db/testing";
import { sql } from "kysely";
import { backupDataFolder, restoreDataFolder } from "../src/data-folder-backup.ts";
import { lockDataFolder, openDataFolder } from "../src/data-folder-lock.ts";

async function withDatabase<T>(
  dataDir: string,
  work: (db: Awaited<ReturnType<typeof openDataFolder>>["db"]) => Promise<T>,
) {
  const unlock = await lockDataFolder(dataDir, { onCompromised: (error) => assert.fail(error.message) });
  const database = await openDataFolder(dataDir);
  try {
    return await work(database.db);
  } finally {
    await database.close();
    await unlock();
  }
}

const emails = (db: Parameters<Parameters<typeof withDatabase>[1]>[0]) =>
  sql<{ email: string }>`SELECT email FROM users ORDER BY email`
    .execute(db)
    .then((r) => r.rows.map((x) => x.email));
const addUser = (db: Parameters<Parameters<typeof withDatabase>[1]>[0], email: string) =>
  sql`INSERT INTO users (id, name, email, email_verified, created_at, updated_at)
      VALUES (gen_random_uuid(), 'Someone', ${email}, false, now(), now())`.execute(db);

test("db:backup then db:restore brings the data folder back to the backup; what it held is moved aside", async (t) => {
  const root = await mkdtemp(join(tmpdir(), "todo-backup-"));
  t.after(() => rm(root, { recursive: true, force: true }));
  const dataDir = join(root, "data");
  await copyMigratedDataFolder(dataDir);
  await withDatabase(dataDir, (db) => addUser(db, "ada@example.com"));
  const file = join(root, "todo.tar.gz");
  const bytes = await backupDataFolder(dataDir, file);
  assert.ok(bytes > 0);
  assert.equal((await stat(file)).mode & 0o777, 0o600, "the backup is readable by its owner only");

  await withDatabase(dataDir, (db) => addUser(db, "after-backup@example.com"));
  const aside = await restoreDataFolder(dataDir, file);
  assert.ok(aside, "the old contents were moved aside");
  assert.ok((await readdir(aside)).includes("PG_VERSION"));
  assert.deepEqual(await withDatabase(dataDir, emails), ["ada@example.com"]);
  assert.deepEqual(await withDatabase(aside, emails), ["ada@example.com", "after-backup@example.com"]);

  // Restoring into an empty folder works too.
  const fresh = join(root, "fresh");
  assert.equal(await restoreDataFolder(fresh, file), null);
  assert.deepEqual(await withDatabase(fresh, emails), ["ada@example.com"]);
});
