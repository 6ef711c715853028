// The test databases themselves: a migrated PGlite database is lent from a pool and must come back
// as a new copy would be. `pglite: true` keeps these on PGlite in the server tier too.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";
import { sql } from "kysely";
import { createTestUser, openTestDatabase, poolStatistics } from "../src/testing.ts";

async function counts(database: Awaited<ReturnType<typeof openTestDatabase>>) {
  const { rows } = await sql<{ users: number; tags: number; priorities: number; migrations: number }>`
    SELECT (SELECT count(*) FROM users)::int AS users, (SELECT count(*) FROM tags)::int AS tags,
           (SELECT count(*) FROM priorities)::int AS priorities,
           (SELECT count(*) FROM kysely_migration)::int AS migrations`.execute(database.db);
  return rows[0]!;
}

async function addTag(
  database: Awaited<ReturnType<typeof openTestDatabase>>,
  userId: string,
  name: string,
): Promise<number> {
  const row = await database.db
    .insertInto("tags")
    .values({ user_id: userId, name, name_key: name })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

test("a test database lent again is emptied as a new copy: no rows left, sequences restarted, the seeded priorities and migration log kept", async () => {
  const first = await openTestDatabase({ pglite: true });
  const fresh = await counts(first);
  assert.equal(fresh.users, 0);
  assert.ok(fresh.priorities > 0, "the migrations seed priorities");
  const user = await createTestUser(first);
  const firstTagId = await addTag(first, user.id, "home");
  await addTag(first, user.id, "work");
  const made = poolStatistics.made;
  await first.close();

  const second = await openTestDatabase({ pglite: true });
  try {
    assert.equal(poolStatistics.made, made, "the closed instance was lent again, not a new copy made");
    assert.deepEqual(await counts(second), fresh);
    const again = await createTestUser(second);
    assert.equal(await addTag(second, again.id, "home"), firstTagId, "the tags sequence starts over");
  } finally {
    await second.close();
  }
});

test("a closed test database refuses queries, so work left running cannot reach the next test's rows", async () => {
  const first = await openTestDatabase({ pglite: true });
  await first.close();
  const second = await openTestDatabase({ pglite: true });
  try {
    await assert.rejects(createTestUser(first), /closed/);
    assert.equal((await counts(second)).users, 0);
  } finally {
    await second.close();
  }
});

test("a listener of a closed test database hears nothing of the next test", async () => {
  const first = await openTestDatabase({ pglite: true });
  const heard: string[] = [];
  await first.listen("test_channel", (payload) => heard.push(payload));
  await sql`SELECT pg_notify('test_channel', 'first')`.execute(first.db);
  await first.close();
  const second = await openTestDatabase({ pglite: true });
  try {
    const heardBySecond: string[] = [];
    await second.listen("test_channel", (payload) => heardBySecond.push(payload));
    await sql`SELECT pg_notify('test_channel', 'second')`.execute(second.db);
    await sql`SELECT 1`.execute(second.db);
    assert.deepEqual(heardBySecond, ["second"]);
    assert.deepEqual(heard, ["first"]);
  } finally {
    await second.close();
  }
});

test("an instance whose schema a test changed is closed, not lent again", async () => {
  const first = await openTestDatabase({ pglite: true });
  await sql`CREATE TABLE scratch (id int)`.execute(first.db);
  const discarded = poolStatistics.discarded;
  await first.close();
  assert.equal(poolStatistics.discarded, discarded + 1);
  const second = await openTestDatabase({ pglite: true });
  try {
    const { rows } = await sql<{
      found: string | null;
    }>`SELECT to_regclass('scratch')::text AS found`.execute(second.db);
    assert.equal(rows[0]!.found, null);
  } finally {
    await second.close();
  }
});

test("an instance whose seeded rows a test changed is closed, not lent again", async () => {
  const first = await openTestDatabase({ pglite: true });
  const fresh = await counts(first);
  await sql`DELETE FROM priorities WHERE id = (SELECT min(id) FROM priorities)`.execute(first.db);
  const discarded = poolStatistics.discarded;
  await first.close();
  assert.equal(poolStatistics.discarded, discarded + 1);
  const second = await openTestDatabase({ pglite: true });
  try {
    assert.deepEqual(await counts(second), fresh);
  } finally {
    await second.close();
  }
});

test("outside Node's test runner (a script) a test database is a migrated copy of its own, not lent", () => {
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  const script = `
    const { openTestDatabase, poolStatistics } = await import("@todo/db/testing");
    const database = await openTestDatabase({ pglite: true });
    const { rows } = await database.db.executeQuery({ sql: "SELECT count(*)::int AS n FROM priorities", parameters: [], query: { kind: "RawNode" } });
    await database.close();
    console.log(JSON.stringify({ priorities: rows[0].n, lent: poolStatistics.lent }));`;
  const output = execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    env,
    encoding: "utf8",
  });
  const result = JSON.parse(output.trim().split("\n").at(-1)!);
  assert.ok(result.priorities > 0, "the copy is migrated");
  assert.equal(result.lent, 0);
});
