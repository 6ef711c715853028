import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { Kysely, PostgresDialect } from "kysely";
import { PGliteDialect } from "kysely-pglite-dialect";
import pg from "pg";
import type { Database } from "./schema.ts";

export type DatabaseTarget =
  | { kind: "postgres"; url: string; poolSize?: number }
  /** `dataDir` is a folder, or undefined for an in-memory database (tests). */
  | { kind: "pglite"; dataDir?: string };

export type NotificationListener = (payload: string) => void;

export interface DatabaseHandle {
  db: Kysely<Database>;
  kind: DatabaseTarget["kind"];
  /** LISTEN on a channel; resolves to a function that stops listening. */
  listen(channel: string, onNotify: NotificationListener): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

// timestamptz and int8 parse the same way on both drivers: Date, and numbers for counts we cast.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export async function openDatabase(target: DatabaseTarget): Promise<DatabaseHandle> {
  return target.kind === "postgres"
    ? openPostgres(target.url, target.poolSize ?? 10)
    : openPglite(target.dataDir);
}

async function openPglite(dataDir: string | undefined): Promise<DatabaseHandle> {
  const client = await PGlite.create({ ...(dataDir ? { dataDir } : {}), extensions: { pg_trgm } });
  const db = new Kysely<Database>({ dialect: new PGliteDialect(client) });
  return {
    db,
    kind: "pglite",
    async listen(channel, onNotify) {
      const unsubscribe = await client.listen(channel, onNotify);
      return unsubscribe;
    },
    // Kysely's destroy closes the PGlite instance, which flushes it to disk.
    close: () => db.destroy(),
  };
}

async function openPostgres(url: string, poolSize: number): Promise<DatabaseHandle> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const listeners: pg.Client[] = [];
  return {
    db,
    kind: "postgres",
    async listen(channel, onNotify) {
      // LISTEN needs a connection of its own that stays open; the pool would recycle it.
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      client.on("notification", (message) => {
        if (message.channel === channel) onNotify(message.payload ?? "");
      });
      await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      listeners.push(client);
      return async () => {
        listeners.splice(listeners.indexOf(client), 1);
        await client.end();
      };
    },
    async close() {
      await Promise.all(listeners.splice(0).map((client) => client.end()));
      await db.destroy();
    },
  };
}
