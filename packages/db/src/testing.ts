import { randomUUID } from "node:crypto";
import pg from "pg";
import { type DatabaseHandle, openDatabase } from "./client.ts";
import { migrateToLatest } from "./migrate.ts";

/**
 * A fresh, migrated database for one test: in-memory PGlite by default, or a new database on the
 * PostgreSQL server named by TEST_DATABASE_URL (dropped again on close).
 */
export async function openTestDatabase(options: { migrate?: boolean } = {}): Promise<DatabaseHandle> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  const handle = serverUrl
    ? await openScratchServerDatabase(serverUrl)
    : await openDatabase({ kind: "pglite" });
  if (options.migrate ?? true) await migrateToLatest(handle.db);
  return handle;
}

async function openScratchServerDatabase(serverUrl: string): Promise<DatabaseHandle> {
  const name = `test_${randomUUID().replaceAll("-", "")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  // The database is dropped when the test ends, which ends its connections: not an error here.
  const handle = await openDatabase(
    { kind: "postgres", url: url.toString(), poolSize: 5 },
    { onConnectionError: () => {} },
  );
  return {
    ...handle,
    async close() {
      await handle.close();
      const cleaner = new pg.Client({ connectionString: serverUrl });
      await cleaner.connect();
      await cleaner.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleaner.end();
    },
  };
}

export function isServerDatabase(): boolean {
  return Boolean(process.env.TEST_DATABASE_URL);
}
