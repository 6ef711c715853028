import assert from "node:assert/strict";
import { test } from "node:test";
import { sql } from "kysely";
import { openDatabase } from "../src/client.ts";

const serverUrl = process.env.TEST_DATABASE_URL;
const skip = serverUrl ? false : "needs TEST_DATABASE_URL: application_name is a PostgreSQL server's setting";

const applicationName = sql<{ name: string }>`SELECT current_setting('application_name') AS name`;

test("a service's connections name themselves, pooled and listening", { skip }, async (t) => {
  const database = await openDatabase(
    { kind: "postgres", url: serverUrl! },
    { applicationName: "todo-test-service" },
  );
  t.after(() => database.close());
  const { rows } = await applicationName.execute(database.db);
  assert.equal(rows[0]?.name, "todo-test-service");
  const stop = await database.listen("application_name_test", () => {});
  t.after(stop);
  const listening = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM pg_stat_activity
    WHERE application_name = 'todo-test-service' AND query LIKE 'LISTEN%'`.execute(database.db);
  assert.equal(listening.rows[0]?.n, 1, "the LISTEN connection carries the name too");
});

test("an application_name in the URL wins over the service's", { skip }, async (t) => {
  const url = new URL(serverUrl!);
  url.searchParams.set("application_name", "from-the-url");
  const database = await openDatabase(
    { kind: "postgres", url: url.toString() },
    { applicationName: "todo-test-service" },
  );
  t.after(() => database.close());
  const { rows } = await applicationName.execute(database.db);
  assert.equal(rows[0]?.name, "from-the-url");
});
