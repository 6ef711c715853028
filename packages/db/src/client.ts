import type { PGlite } from "@electric-sql/pglite";
import { Kysely, PostgresDialect } from "kysely";
import type { PGliteDialect } from "kysely-pglite-dialect";
import pg from "pg";
import type { Database } from "./schema.ts";
import { OFF_LOOP, timeSlices, type WorkSlices } from "./work-slices.ts";

export type DatabaseTarget =
  | {
      kind: "postgres";
      url: string;
      poolSize?: number;
      /**
       * Prepare each distinct statement once per connection (default true). Turn off behind a
       * pooler that cannot keep them (PgBouncer in transaction mode before 1.21).
       */
      preparedStatements?: boolean;
    }
  /**
   * `dataDir` is a folder, or undefined for an in-memory database (tests). `image` is a data
   * folder tarball (from `dumpDataDir()`) an in-memory database starts from instead of a new
   * cluster: tests copy one migrated image rather than running initdb and the migrations again.
   */
  | { kind: "pglite"; dataDir?: string; image?: Blob };

export type NotificationListener = (payload: string) => void;

export interface DatabaseHandle {
  db: Kysely<Database>;
  kind: DatabaseTarget["kind"];
  /** LISTEN on a channel; resolves to a function that stops listening. */
  listen(channel: string, onNotify: NotificationListener): Promise<() => Promise<void>>;
  /** PGlite only: the data folder as an uncompressed tarball, to open copies from (`image`). */
  dumpDataDir?(): Promise<Blob>;
  /** How background work on this database yields to requests: time slices on PGlite, none on a server. */
  slices: WorkSlices;
  close(): Promise<void>;
}

// timestamptz and int8 parse the same way on both drivers: Date, and numbers for counts we cast.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export interface DatabaseOptions {
  /** Connection errors outside any query (a server restart, a dropped idle connection). */
  onConnectionError?: (error: Error) => void;
  /**
   * How this process's connections name themselves to a PostgreSQL server (`application_name`,
   * seen in `pg_stat_activity` and in the server's logs), e.g. the service's name. It is sent as
   * `fallback_application_name`, so an `application_name` in the URL or `PGAPPNAME` wins.
   */
  applicationName?: string;
  /**
   * Server only: connections to open now, in the background, instead of when first needed:
   * `pool` of the pool's (idle until used), and with `listener` the LISTEN connection. A service
   * opens them while it builds its server, so that neither its workers' `listen()` nor its first
   * `/readyz` waits for a connection to be made. A connection that fails here is made again when
   * needed (and that failure is reported then).
   */
  openEarly?: { pool?: number; listener?: boolean };
}

export async function openDatabase(
  target: DatabaseTarget,
  options: DatabaseOptions = {},
): Promise<DatabaseHandle> {
  const onError =
    options.onConnectionError ?? ((error) => console.warn(`database connection error: ${error.message}`));
  return target.kind === "postgres"
    ? openPostgres(
        {
          connectionString: target.url,
          ...(options.applicationName ? { fallback_application_name: options.applicationName } : {}),
        },
        target.poolSize ?? 10,
        target.preparedStatements ?? true,
        onError,
        options.openEarly ?? {},
      )
    : openPglite(target.dataDir, target.image);
}

async function openPglite(dataDir: string | undefined, image: Blob | undefined): Promise<DatabaseHandle> {
  const { client, dialect } = await createPgliteClient(dataDir, image);
  return pgliteHandle(client, dialect);
}

/**
 * A PGlite instance on the folder `dataDir` (undefined: in memory), started from the data folder
 * tarball `image` if given, with the extensions the migrations use; and its Kysely dialect class.
 */
export async function createPgliteClient(
  dataDir: string | undefined,
  image: Blob | undefined,
): Promise<{ client: PGlite; dialect: typeof PGliteDialect }> {
  // Loaded only here: the distributed services run on a PostgreSQL server and never need PGlite,
  // whose modules would otherwise be loaded at every start.
  // The services' images leave PGlite out (scripts/bundle.mjs embeddedOnlyExternals).
  const [{ PGlite }, { pg_trgm }, { unaccent }, { PGliteDialect }] = await Promise.all([
    import("@electric-sql/pglite"),
    import("@electric-sql/pglite/contrib/pg_trgm"),
    import("@electric-sql/pglite/contrib/unaccent"),
    import("kysely-pglite-dialect"),
  ]).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== "ERR_MODULE_NOT_FOUND") throw error;
    throw new Error("PGlite is not installed here (a service image): set DATABASE_URL to a postgres:// URL", {
      cause: error,
    });
  });
  const client = await PGlite.create({
    ...(dataDir ? { dataDir } : {}),
    ...(image ? { loadDataDir: image } : {}),
    extensions: { pg_trgm, unaccent },
  });
  return { client, dialect: PGliteDialect };
}

/**
 * The handle over a PGlite instance; `close()` closes the instance. `client` may be a stand-in
 * with PGlite's `query`, `listen`, `dumpDataDir` and `close` (tests share one instance so).
 */
export function pgliteHandle(client: PGlite, dialect: typeof PGliteDialect): DatabaseHandle {
  const db = new Kysely<Database>({ dialect: new dialect(client) });
  return {
    db,
    kind: "pglite",
    slices: timeSlices(),
    async listen(channel, onNotify) {
      const unsubscribe = await client.listen(channel, onNotify);
      return unsubscribe;
    },
    dumpDataDir: () => client.dumpDataDir("none"),
    // Kysely's destroy closes the PGlite instance (which flushes it to disk), but only if a query
    // ever ran through Kysely: a database only LISTENed on would stay open, and with it PGlite's
    // timer (Postgres's setitimer in WebAssembly, re-armed every 10 s), keeping the process alive.
    async close() {
      await db.destroy();
      if (!client.closed) await client.close();
    },
  };
}

async function openPostgres(
  connection: pg.ClientConfig,
  poolSize: number,
  preparedStatements: boolean,
  onError: (error: Error) => void,
  openEarly: NonNullable<DatabaseOptions["openEarly"]>,
): Promise<DatabaseHandle> {
  const pool = new pg.Pool({ ...connection, max: poolSize });
  // An idle client's error (server restart) must not crash the process; the pool replaces it.
  pool.on("error", onError);
  // Nor may the error of a client the pool has lent out (a transaction between two statements, a
  // query about to start): the pool listens only to idle clients, and node-postgres throws an
  // 'error' nobody listens to. The client's next query fails, and the pool drops it when released.
  pool.on("connect", (client) => client.on("error", onError));
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: preparedStatements ? preparingPool(pool) : pool }),
  });
  const listener = sharedListener(connection, onError);
  if (openEarly.listener) listener.connectEarly();
  for (let i = 0; i < Math.min(openEarly.pool ?? 0, poolSize); i++) {
    pool.connect().then(
      (client) => client.release(),
      () => {},
    );
  }
  // One turn of the event loop, in which those connections send their start-up message: the
  // server then sets them up while the caller goes on (building a server turns no loop).
  if (openEarly.listener || openEarly.pool) await new Promise((resolve) => setImmediate(resolve));
  return {
    db,
    kind: "postgres",
    slices: OFF_LOOP,
    listen: (channel, onNotify) => listener.listen(channel, onNotify),
    async close() {
      await listener.close();
      await db.destroy();
    },
  };
}

/** A statement marked so is never prepared: it is planned afresh for its parameters each time. */
export const CUSTOM_PLAN = "/* custom plan */";

/** At most this many distinct statements are prepared; any others run unnamed. */
const MAX_PREPARED = 200;

type QueryFn = (text: unknown, values?: unknown) => Promise<pg.QueryResult>;

/**
 * The pool as Kysely sees it, with each distinct statement text prepared once per connection
 * (node-postgres's named statements, for statements with parameters): PostgreSQL parses it once and, where its cost model allows,
 * reuses a generic plan, instead of parsing and planning every query anew. Statements marked
 * CUSTOM_PLAN (whose best plan depends on a parameter's value, like a search pattern) stay unnamed.
 *
 * A migration can change what `SELECT *` returns under a prepared statement ("cached plan must
 * not change result type"): the connection is then discarded when released, and a statement
 * outside a transaction is run again unnamed, so callers only see the error inside a transaction
 * (which is rolled back, as for any failed statement).
 */
function preparingPool(pool: pg.Pool) {
  const names = new Map<string, string>();
  const nameOf = (text: string): string | undefined => {
    let name = names.get(text);
    if (name === undefined && names.size < MAX_PREPARED && !text.includes(CUSTOM_PLAN)) {
      name = `todo_${names.size}`;
      names.set(text, name);
    }
    return name;
  };
  const stale = new WeakSet<pg.PoolClient>();
  const wrapped = new WeakSet<pg.PoolClient>();
  return {
    async connect(): Promise<pg.PoolClient> {
      const client = await pool.connect();
      if (!wrapped.has(client)) {
        wrapped.add(client);
        const query = client.query.bind(client) as QueryFn;
        (client as unknown as { query: QueryFn }).query = async (text, values) => {
          // Without parameters node-postgres uses the simple protocol, which also runs scripts of
          // several statements (migrations): those stay as they are.
          const name =
            typeof text === "string" && Array.isArray(values) && values.length > 0 ? nameOf(text) : undefined;
          if (name === undefined) return query(text, values);
          const outsideTransaction = client.getTransactionStatus() === "I";
          try {
            return await query({ name, text, values });
          } catch (error) {
            if ((error as { code?: string }).code !== "0A000") throw error;
            stale.add(client);
            if (!outsideTransaction) throw error;
            return query(text, values);
          }
        };
      }
      // The pool sets release afresh on every checkout.
      const release = client.release.bind(client);
      client.release = (err?: Error | boolean) => release(stale.has(client) ? true : err);
      return client;
    },
    end: () => pool.end(),
  };
}

/**
 * LISTEN needs a connection of its own that stays open (the pool would recycle it): one for every
 * channel this handle listens on, made by the first `listen()` (or ahead of it, `connectEarly()`)
 * and closed when the last listener stops. When that connection drops, it reconnects with backoff,
 * LISTENs again on every channel and calls each listener once, since notifications may have been
 * missed meanwhile; the callers' slow polls cover the gap too. Changes to the set of channels run
 * one at a time (`serially`), so a LISTEN or UNLISTEN never races a reconnect or a close.
 */
function sharedListener(connection: pg.ClientConfig, onError: (error: Error) => void) {
  const channels = new Map<string, Set<NotificationListener>>();
  let client: pg.Client | undefined;
  let early: Promise<pg.Client> | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let failures = 0;
  let closed = false;
  const ended = new WeakSet<pg.Client>();
  let queue: Promise<unknown> = Promise.resolve();
  const serially = <T>(step: () => Promise<T>): Promise<T> => {
    const result = queue.then(step);
    queue = result.catch(() => {});
    return result;
  };

  const open = async (): Promise<pg.Client> => {
    const next = new pg.Client(connection);
    next.on("notification", (message) => {
      for (const onNotify of channels.get(message.channel) ?? []) onNotify(message.payload ?? "");
    });
    next.on("error", (error) => {
      if (!closed) onError(error);
    });
    next.on("end", () => {
      ended.add(next);
      if (closed || client !== next) return;
      client = undefined;
      if (channels.size > 0) scheduleReconnect();
    });
    try {
      await next.connect();
    } catch (error) {
      await next.end().catch(() => {});
      throw error;
    }
    return next;
  };
  // The connection made ahead, if it is still open; else a new one.
  const connected = async (): Promise<pg.Client> => {
    if (client) return client;
    const made = await early?.catch(() => undefined);
    early = undefined;
    client = made && !ended.has(made) ? made : await open();
    return client;
  };
  const listenAll = async (on: pg.Client, names: Iterable<string>) => {
    for (const name of names) await on.query(`LISTEN ${pg.escapeIdentifier(name)}`);
  };
  const scheduleReconnect = () => {
    failures += 1;
    retryTimer = setTimeout(
      () => {
        serially(async () => {
          if (closed || client || channels.size === 0) return;
          const next = await open();
          try {
            await listenAll(next, channels.keys());
          } catch (error) {
            await next.end().catch(() => {});
            throw error;
          }
          client = next;
          failures = 0;
          for (const listeners of channels.values()) for (const onNotify of listeners) onNotify("");
        }).catch((error: Error) => {
          onError(error);
          if (!closed && !client) scheduleReconnect();
        });
      },
      Math.min(30_000, 250 * 2 ** Math.min(failures, 7)),
    );
    retryTimer.unref();
  };

  return {
    connectEarly(): void {
      if (closed || client || early) return;
      early = open();
      early.catch(() => {});
    },
    listen(channel: string, onNotify: NotificationListener): Promise<() => Promise<void>> {
      return serially(async () => {
        if (closed) throw new Error("the database is closed");
        let listeners = channels.get(channel);
        if (!listeners) {
          // With no connection (dropped and not yet back), the reconnect LISTENs on it.
          if (channels.size === 0 || client) await listenAll(await connected(), [channel]);
          listeners = new Set();
          channels.set(channel, listeners);
        }
        const own: NotificationListener = (payload) => onNotify(payload);
        listeners.add(own);
        return () => serially(() => unlisten(channel, own));
      });
    },
    close(): Promise<void> {
      closed = true;
      clearTimeout(retryTimer);
      channels.clear();
      return serially(async () => {
        const [current, made] = [client, early];
        client = undefined;
        early = undefined;
        await current?.end().catch(() => {});
        await made?.then((c) => c.end()).catch(() => {});
      });
    },
  };

  async function unlisten(channel: string, own: NotificationListener): Promise<void> {
    const listeners = channels.get(channel);
    if (!listeners?.delete(own) || listeners.size > 0) return;
    channels.delete(channel);
    const current = client;
    if (!current) return;
    if (channels.size === 0) {
      client = undefined;
      clearTimeout(retryTimer);
      await current.end().catch(() => {});
    } else {
      await current.query(`UNLISTEN ${pg.escapeIdentifier(channel)}`).catch(() => {});
    }
  }
}
