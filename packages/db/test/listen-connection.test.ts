import assert from "node:assert/strict";
import { test } from "node:test";
import { sql } from "kysely";
import { type DatabaseHandle, openDatabase } from "../src/client.ts";

const serverUrl = process.env.TEST_DATABASE_URL;
const skip = serverUrl ? false : "needs TEST_DATABASE_URL: PGlite has no connections to count";

/** This process's connections to the server named `name`, by whether their last statement was a LISTEN. */
async function connections(
  database: DatabaseHandle,
  name: string,
): Promise<{ all: number; listening: number }> {
  const { rows } = await sql<{ all: number; listening: number }>`
    SELECT count(*)::int AS all, count(*) FILTER (WHERE query LIKE 'LISTEN%')::int AS listening
    FROM pg_stat_activity WHERE application_name = ${name}`.execute(database.db);
  return rows[0]!;
}

async function waitFor(condition: () => Promise<boolean> | boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test("a handle's channels share one LISTEN connection; each listener hears its own channel, and the last to stop closes it", {
  skip,
}, async (t) => {
  const name = `listen-shared-${process.pid}`;
  const database = await openDatabase({ kind: "postgres", url: serverUrl! }, { applicationName: name });
  const observer = await openDatabase({ kind: "postgres", url: serverUrl!, poolSize: 1 });
  t.after(() => Promise.all([database.close(), observer.close()]));
  const heard: string[] = [];
  const stopA = await database.listen("shared_a", (payload) => heard.push(`a:${payload}`));
  const stopA2 = await database.listen("shared_a", (payload) => heard.push(`a2:${payload}`));
  const stopB = await database.listen("shared_b", (payload) => heard.push(`b:${payload}`));
  assert.equal((await connections(observer, name)).listening, 1);

  await sql`SELECT pg_notify('shared_a', 'one'), pg_notify('shared_b', 'two')`.execute(observer.db);
  await waitFor(() => heard.length === 3, "three notifications");
  assert.deepEqual(heard.sort(), ["a2:one", "a:one", "b:two"]);

  await stopA();
  await stopB();
  heard.length = 0;
  await sql`SELECT pg_notify('shared_a', 'three'), pg_notify('shared_b', 'four')`.execute(observer.db);
  await waitFor(() => heard.length === 1, "the remaining listener's notification");
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(heard, ["a2:three"], "a stopped listener hears nothing; an UNLISTENed channel neither");

  await stopA2();
  await waitFor(
    async () => (await connections(observer, name)).listening === 0,
    "the LISTEN connection to close",
  );
});

test("when the server drops the shared connection, every channel is listened on again and each listener woken", {
  skip,
}, async (t) => {
  const name = `listen-dropped-${process.pid}`;
  const database = await openDatabase(
    { kind: "postgres", url: serverUrl! },
    { applicationName: name, onConnectionError: () => {} },
  );
  const observer = await openDatabase({ kind: "postgres", url: serverUrl!, poolSize: 1 });
  t.after(() => Promise.all([database.close(), observer.close()]));
  const heard: string[] = [];
  t.after(await database.listen("dropped_a", (payload) => heard.push(`a:${payload}`)));
  t.after(await database.listen("dropped_b", (payload) => heard.push(`b:${payload}`)));
  await sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
    WHERE application_name = ${name} AND query LIKE 'LISTEN%'`.execute(observer.db);
  await waitFor(
    () => heard.includes("a:") && heard.includes("b:"),
    "both listeners' wake-up after reconnecting",
  );
  await sql`SELECT pg_notify('dropped_a', 'one'), pg_notify('dropped_b', 'two')`.execute(observer.db);
  await waitFor(
    () => heard.includes("a:one") && heard.includes("b:two"),
    "both channels on the new connection",
  );
});

test("openEarly makes the LISTEN connection and pool connections at once; listen() then uses that connection", {
  skip,
}, async (t) => {
  const name = `listen-early-${process.pid}`;
  const observer = await openDatabase({ kind: "postgres", url: serverUrl!, poolSize: 1 });
  const database = await openDatabase(
    { kind: "postgres", url: serverUrl! },
    { applicationName: name, openEarly: { listener: true, pool: 2 } },
  );
  t.after(() => Promise.all([database.close(), observer.close()]));
  await waitFor(
    async () => (await connections(observer, name)).all === 3,
    "three connections, none asked for",
  );

  const heard: string[] = [];
  const stop = await database.listen("early_channel", (payload) => heard.push(payload));
  t.after(stop);
  const { rows } = await sql<{ n: number }>`SELECT 1 AS n`.execute(database.db);
  assert.equal(rows[0]?.n, 1);
  assert.deepEqual(await connections(observer, name), { all: 3, listening: 1 }, "no connection more");
  await sql`SELECT pg_notify('early_channel', 'hello')`.execute(observer.db);
  await waitFor(() => heard.includes("hello"), "a notification on the early connection");
});

test("a LISTEN connection that could not be made early is tried again by listen(), which reports its failure", async (t) => {
  // Port 1 on loopback: nothing listens there, so every connection is refused at once.
  const database = await openDatabase(
    { kind: "postgres", url: "postgres://nobody@127.0.0.1:1/none" },
    { openEarly: { listener: true, pool: 1 }, onConnectionError: () => {} },
  );
  t.after(() => database.close());
  await new Promise((r) => setTimeout(r, 50));
  await assert.rejects(
    database.listen("unreachable", () => {}),
    /ECONNREFUSED/,
  );
  await assert.rejects(
    database.listen("unreachable", () => {}),
    /ECONNREFUSED/,
    "and again on the next call",
  );
});
