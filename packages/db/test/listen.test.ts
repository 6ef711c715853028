import assert from "node:assert/strict";
import { test } from "node:test";
import { sql } from "kysely";
import { isServerDatabase, openTestDatabase } from "../src/testing.ts";

test("LISTEN hears NOTIFY after commit", async (t) => {
  const database = await openTestDatabase();
  t.after(() => database.close());
  const heard: string[] = [];
  const stop = await database.listen("test_channel", (payload) => heard.push(payload));
  await sql`SELECT pg_notify('test_channel', 'one')`.execute(database.db);
  await waitFor(() => heard.includes("one"));
  await stop();
});

test("close() closes a database that was only listened on (no query through Kysely): listening afterwards fails", async () => {
  const database = await openTestDatabase();
  const stop = await database.listen("test_channel", () => {});
  await stop();
  // Kysely's destroy() alone leaves a database it never queried open (and on PGlite its timer
  // keeps the test process alive after the last test).
  await database.close();
  await assert.rejects(database.listen("test_channel", () => {}));
});

test("a LISTEN connection that the server drops reconnects and listens again", {
  skip: isServerDatabase() ? false : "needs TEST_DATABASE_URL: PGlite has no connections to drop",
}, async (t) => {
  const database = await openTestDatabase();
  t.after(() => database.close());
  const heard: string[] = [];
  const stop = await database.listen("test_channel", (payload) => heard.push(payload));
  await sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
      WHERE query LIKE 'LISTEN%' AND datname = current_database() AND pid <> pg_backend_pid()`.execute(
    database.db,
  );
  await waitFor(() => heard.includes(""), "the wake-up after reconnecting");
  await sql`SELECT pg_notify('test_channel', 'two')`.execute(database.db);
  await waitFor(() => heard.includes("two"), "a notification on the new connection");
  await stop();
});

async function waitFor(condition: () => boolean, what = "a notification"): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
