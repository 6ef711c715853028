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

export interface DatabaseOptions {
  /** Connection errors outside any query (a server restart, a dropped idle connection). */
  onConnectionError?: (error: Error) => void;
}

export async function openDatabase(
  target: DatabaseTarget,
  options: DatabaseOptions = {},
): Promise<DatabaseHandle> {
  const onError =
    options.onConnectionError ?? ((error) => console.warn(`database connection error: ${error.message}`));
  return target.kind === "postgres"
    ? openPostgres(target.url, target.poolSize ?? 10, onError)
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

async function openPostgres(
  url: string,
  poolSize: number,
  onError: (error: Error) => void,
): Promise<DatabaseHandle> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle client's error (server restart) must not crash the process; the pool replaces it.
  pool.on("error", onError);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const listeners = new Set<{ stop(): Promise<void> }>();
  return {
    db,
    kind: "postgres",
    async listen(channel, onNotify) {
      const listener = await listenWithReconnect(url, channel, onNotify, onError);
      listeners.add(listener);
      return async () => {
        listeners.delete(listener);
        await listener.stop();
      };
    },
    async close() {
      await Promise.all([...listeners].map((listener) => listener.stop()));
      listeners.clear();
      await db.destroy();
    },
  };
}

/**
 * LISTEN needs a connection of its own that stays open (the pool would recycle it). When that
 * connection drops, it reconnects with backoff and calls onNotify once, since notifications may
 * have been missed meanwhile; the callers' slow polls cover the gap too.
 */
async function listenWithReconnect(
  url: string,
  channel: string,
  onNotify: (payload: string) => void,
  onError: (error: Error) => void,
): Promise<{ stop(): Promise<void> }> {
  let client: pg.Client | undefined;
  let stopped = false;
  let retryTimer: NodeJS.Timeout | undefined;
  let failures = 0;

  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: url });
    next.on("notification", (message) => {
      if (message.channel === channel) onNotify(message.payload ?? "");
    });
    next.on("error", (error) => {
      if (!stopped) onError(error);
    });
    next.on("end", () => {
      if (stopped || client !== next) return;
      client = undefined;
      scheduleReconnect();
    });
    await next.connect();
    await next.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    client = next;
    failures = 0;
  };
  const scheduleReconnect = () => {
    failures += 1;
    retryTimer = setTimeout(
      () => {
        connect().then(
          () => onNotify(""),
          (error: Error) => {
            onError(error);
            if (!stopped) scheduleReconnect();
          },
        );
      },
      Math.min(30_000, 250 * 2 ** Math.min(failures, 7)),
    );
    retryTimer.unref();
  };

  await connect();
  return {
    async stop() {
      stopped = true;
      clearTimeout(retryTimer);
      await client?.end().catch(() => {});
    },
  };
}
