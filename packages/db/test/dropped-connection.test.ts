import assert from "node:assert/strict";
import { test } from "node:test";
import { sql } from "kysely";
import { isServerDatabase, openTestDatabase } from "../src/testing.ts";

// A PostgreSQL restart (or a failover, or an idle-in-transaction timeout) drops connections that
// the pool has lent out: node-postgres then emits 'error' on a client that the pool no longer
// listens to, and without a listener of ours that error ends the process. Found by the soak
// (npm run soak): stopping PostgreSQL for seconds killed the backend, notification-service and
// recurring-task-service.
test("a connection dropped while a transaction holds it fails that transaction, not the process", {
  skip: isServerDatabase() ? false : "needs TEST_DATABASE_URL: PGlite has no connections to drop",
}, async (t) => {
  const database = await openTestDatabase();
  t.after(() => database.close());
  await assert.rejects(
    database.db.transaction().execute(async (tx) => {
      const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(tx);
      // Terminated from another connection while this one sits between two statements.
      await sql`SELECT pg_terminate_backend(${rows[0]!.pid})`.execute(database.db);
      // The server sends its FATAL message, which reaches the idle client as an 'error' event,
      // before the backend process ends.
      for (;;) {
        const left = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE pid = ${rows[0]!.pid}`.execute(database.db);
        if (left.rows[0]!.n === 0) break;
      }
      await new Promise((r) => setTimeout(r, 50));
      await sql`SELECT 1`.execute(tx);
    }),
  );
  // The pool dropped the broken connection: the next query gets a working one.
  const { rows } = await sql<{ one: number }>`SELECT 1 AS one`.execute(database.db);
  assert.equal(rows[0]!.one, 1);
});
