import assert from "node:assert/strict";
import { test } from "node:test";
import { sql } from "kysely";
import { CUSTOM_PLAN } from "../src/client.ts";
import { isServerDatabase, openTestDatabase } from "../src/testing.ts";

const skip = isServerDatabase()
  ? false
  : "needs TEST_DATABASE_URL: PGlite has no statement protocol to prepare on";

/** The names of the statements prepared on the connection that runs this query. */
const preparedHere = sql<{
  name: string;
  statement: string;
}>`SELECT name, statement FROM pg_prepared_statements`;

test("a statement is prepared once per connection and run by name after that", { skip }, async (t) => {
  const database = await openTestDatabase({ migrate: false });
  t.after(() => database.close());
  await database.db.connection().execute(async (db) => {
    for (let i = 0; i < 3; i++) {
      const { rows } = await sql<{ n: number }>`SELECT ${i}::int + 1 AS n`.execute(db);
      assert.equal(rows[0]?.n, i + 1);
    }
    const { rows } = await preparedHere.execute(db);
    const mine = rows.filter((r) => r.statement.includes("AS n"));
    assert.equal(mine.length, 1, "one prepared statement for three runs of the same text");
    assert.match(mine[0]!.name, /^todo_\d+$/);
  });
});

test("a statement marked CUSTOM_PLAN is never prepared", { skip }, async (t) => {
  const database = await openTestDatabase({ migrate: false });
  t.after(() => database.close());
  await database.db.connection().execute(async (db) => {
    await sql`SELECT ${sql.raw(CUSTOM_PLAN)} 'x' ILIKE ${"%x%"} AS hit`.execute(db);
    const { rows } = await preparedHere.execute(db);
    assert.equal(rows.filter((r) => r.statement.includes("ILIKE")).length, 0);
  });
});

test("a migration that changes what SELECT * returns does not break later queries", { skip }, async (t) => {
  const database = await openTestDatabase({ migrate: false });
  t.after(() => database.close());
  const { db } = database;
  await sql`CREATE TABLE widgets (id int PRIMARY KEY)`.execute(db);
  await sql`INSERT INTO widgets VALUES (1)`.execute(db);
  const all = (executor: typeof db = db) =>
    executor
      .selectFrom("widgets" as never)
      .selectAll()
      .where("id" as never, ">", 0 as never)
      .execute();
  // Prepared on every connection of the pool (five), as a busy service would have it.
  await Promise.all(Array.from({ length: 5 }, () => all()));

  await sql`ALTER TABLE widgets ADD COLUMN name text DEFAULT 'w'`.execute(db);

  // Outside a transaction: run again unnamed, and the stale connection is replaced.
  for (let i = 0; i < 6; i++) assert.deepEqual(await all(), [{ id: 1, name: "w" }]);
  await sql`ALTER TABLE widgets ADD COLUMN size int DEFAULT 3`.execute(db);
  // Inside a transaction the statement fails like any other (the transaction is rolled back) ...
  let failures = 0;
  for (let i = 0; i < 5; i++) {
    await db
      .transaction()
      .execute((tx) => all(tx))
      .catch((error: { code?: string }) => {
        assert.equal(error.code, "0A000");
        failures++;
      });
  }
  assert.ok(failures >= 1 && failures <= 5, `${failures} failures`);
  // ... and once each connection has failed, none is left with the stale statement.
  for (let i = 0; i < 6; i++) {
    assert.deepEqual(await db.transaction().execute((tx) => all(tx)), [{ id: 1, name: "w", size: 3 }]);
  }
});
