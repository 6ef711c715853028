import { createHash, randomUUID } from "node:crypto";
import { cp, mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { PGlite } from "@electric-sql/pglite";
import { sql } from "kysely";
import type { PGliteDialect } from "kysely-pglite-dialect";
import pg from "pg";
import { createPgliteClient, type DatabaseHandle, openDatabase, pgliteHandle } from "./client.ts";
import { migrateToLatest } from "./migrate.ts";

/**
 * A database of its own for one test, closed (and on a server dropped) by `close()`: in-memory
 * PGlite by default, or a new database on the PostgreSQL server named by TEST_DATABASE_URL.
 *
 * A migrated PGlite database is lent from the test process's pool: an instance a test closed
 * before, reset to the state of a new copy (every table the migrations leave empty truncated,
 * its sequences restarted, the session discarded, and checked: an instance whose schema, seed
 * rows or sequences still differ is closed, not lent again). Resetting costs a few milliseconds
 * of CPU where a new copy costs about half a second. After `close()` the lent handle refuses
 * every query, so work a test left running cannot reach the next test's data.
 *
 * A new instance, and every `migrate: false` database, is a copy of one image made once: on PGlite
 * a data folder tarball (`dumpDataDir`/`loadDataDir`, also kept in
 * `node_modules/.cache/todo-test-databases/` for the next test process), on a server a template
 * database (`CREATE DATABASE … TEMPLATE …`). A copy skips initdb and the migrations, which cost
 * most of a test's time before; the image is keyed by a hash of this package's source and the
 * PGlite release, so a changed migration makes a new one.
 */
export async function openTestDatabase(
  options: {
    migrate?: boolean;
    /** PGlite in every tier: for a test of how work shares PGlite's event loop. */
    pglite?: boolean;
  } = {},
): Promise<DatabaseHandle> {
  const migrate = options.migrate ?? true;
  const serverUrl = options.pglite ? undefined : process.env.TEST_DATABASE_URL;
  if (serverUrl) {
    return openScratchServerDatabase(serverUrl, migrate ? await serverTemplate(serverUrl) : undefined);
  }
  if (migrate && pooling) return lendPooledDatabase();
  return openDatabase({ kind: "pglite", image: await pgliteImage(migrate ? "migrated" : "empty") });
}

export function isServerDatabase(): boolean {
  return Boolean(process.env.TEST_DATABASE_URL);
}

const here = fileURLToPath(new URL(".", import.meta.url));
const cacheDir = fileURLToPath(new URL("../../../node_modules/.cache/todo-test-databases/", import.meta.url));

let schemaKey: Promise<string> | undefined;

/** What the images depend on: every file of this package's source, and the PGlite release. */
function imageKey(): Promise<string> {
  schemaKey ??= (async () => {
    const hash = createHash("sha256");
    const files = (await readdir(here, { recursive: true })).filter((f) => f.endsWith(".ts")).sort();
    for (const file of files) hash.update(file).update(await readFile(join(here, file)));
    const pglite = new URL("../package.json", import.meta.resolve("@electric-sql/pglite"));
    hash.update(await readFile(pglite));
    return hash.digest("hex").slice(0, 16);
  })();
  return schemaKey;
}

const images = new Map<string, Promise<Blob>>();

function pgliteImage(kind: "migrated" | "empty"): Promise<Blob> {
  let image = images.get(kind);
  if (!image) {
    image = loadOrBuildImage(kind);
    images.set(kind, image);
  }
  return image;
}

async function loadOrBuildImage(kind: "migrated" | "empty"): Promise<Blob> {
  const path = join(cacheDir, `${kind}-${await imageKey()}.tar`);
  try {
    return new Blob([await readFile(path)]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const handle = await openDatabase({ kind: "pglite" });
  try {
    if (kind === "migrated") await migrateToLatest(handle.db);
    // Tests use the database PGlite opens, `postgres`; the two template databases only cost each
    // copy (the image shrinks from 40 to 27 MB, and loading one takes about a fifth less CPU).
    await sql`UPDATE pg_database SET datistemplate = false WHERE datname IN ('template0', 'template1')`.execute(
      handle.db,
    );
    await sql`DROP DATABASE template0`.execute(handle.db);
    await sql`DROP DATABASE template1`.execute(handle.db);
    await sql`CHECKPOINT`.execute(handle.db);
    const image = await (handle.dumpDataDir as () => Promise<Blob>)();
    // Written aside and renamed, so a test process running beside this one never reads half a file.
    await mkdir(cacheDir, { recursive: true });
    const partial = `${path}.${process.pid}.partial`;
    await writeFile(partial, Buffer.from(await image.arrayBuffer()));
    await rename(partial, path);
    // Images of earlier sources are of no more use: 40 MB each, one per migration change.
    for (const name of await readdir(cacheDir))
      if (name.startsWith(`${kind}-`) && name.endsWith(".tar") && join(cacheDir, name) !== path)
        await rm(join(cacheDir, name), { force: true });
    return image;
  } finally {
    await handle.close();
  }
}

interface PooledInstance {
  client: PGlite;
  dialect: typeof PGliteDialect;
  /** Names, one row each, the tables the migrations leave empty that hold rows now. */
  filledTables: string;
  /** Names, one row each, the sequences the migrations left unused that have been used since. */
  newlyUsed: string;
  /** The tables the migrations fill (priorities, the migration log): kept, and checked unchanged. */
  seeded: string[];
  /** What `stateOf` answers on a new copy. */
  pristine: string;
}

const idleInstances: PooledInstance[] = [];

// Only under Node's test runner (`node --test`, which sets NODE_TEST_CONTEXT in the process of each
// file), where a hook after the file's last test closes the idle instances: an open PGlite keeps
// its process alive for up to 10 s (Postgres's idle statistics timer). Scripts get new copies.
const pooling = process.env.NODE_TEST_CONTEXT !== undefined;
if (pooling) {
  const { after } = await import("node:test");
  after(async () => {
    for (const instance of idleInstances.splice(0)) await instance.client.close();
  });
}

/** Instances lent, made and closed instead of reused, for tests of the pool. */
export const poolStatistics = { lent: 0, made: 0, discarded: 0 };

async function lendPooledDatabase(): Promise<DatabaseHandle> {
  const instance = idleInstances.pop() ?? (await makePooledInstance());
  poolStatistics.lent++;
  let open = true;
  const unlistens = new Set<() => Promise<void>>();
  const live = () => {
    if (!open) throw new Error("this test database is closed (work left running after its test?)");
    return instance.client;
  };
  // What the handle sees of the instance: PGlite's calls while lent; closing it returns it to the pool.
  const lent = {
    query: (query: string, params?: unknown[], options?: object) => live().query(query, params, options),
    listen: async (channel: string, onNotify: (payload: string) => void) => {
      const unlisten = await live().listen(channel, (payload) => {
        if (open) onNotify(payload);
      });
      unlistens.add(unlisten);
      return async () => {
        unlistens.delete(unlisten);
        await unlisten();
      };
    },
    dumpDataDir: (compression?: "none") => live().dumpDataDir(compression),
    get closed() {
      return !open;
    },
    close: async () => {},
  } as unknown as PGlite;
  const handle = pgliteHandle(lent, instance.dialect);
  return {
    ...handle,
    async close() {
      if (!open) return;
      await handle.db.destroy();
      open = false;
      for (const unlisten of unlistens) await unlisten();
      await returnToPool(instance);
    },
  };
}

async function makePooledInstance(): Promise<PooledInstance> {
  const { client, dialect } = await createPgliteClient(undefined, await pgliteImage("migrated"));
  poolStatistics.made++;
  const names = await client.query<{ name: string }>(
    `SELECT format('%I.%I', n.nspname, c.relname) AS name FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
      ORDER BY 1`,
  );
  const filledAmong = (tables: string[]) =>
    `SELECT name FROM (VALUES ${tables
      .map((name) => `('${name}', EXISTS (SELECT FROM ${name}))`)
      .join(", ")}) AS tables(name, filled) WHERE filled`;
  const all = names.rows.map(({ name }) => name);
  const seeded = (await client.query<{ name: string }>(filledAmong(all))).rows.map(({ name }) => name);
  const filledTables = filledAmong(all.filter((name) => !seeded.includes(name)));
  const usedSequences = await client.query<{ name: string }>(USED_SEQUENCES);
  const newlyUsed = `${USED_SEQUENCES} AND format('%I.%I', schemaname, sequencename) NOT IN (${
    usedSequences.rows.map(({ name }) => `'${name}'`).join(", ") || "''"
  })`;
  return { client, dialect, filledTables, newlyUsed, seeded, pristine: await stateOf(client, seeded) };
}

const USED_SEQUENCES =
  "SELECT format('%I.%I', schemaname, sequencename) AS name FROM pg_sequences WHERE last_value IS NOT NULL";

/**
 * A digest of what emptying the tables does not restore: the schema (any catalog row written
 * since the image was made: CREATE, ALTER, DROP), the rows of the tables the migrations fill
 * (`seeded`), and which sequences have been used.
 */
async function stateOf(client: PGlite, seeded: string[]): Promise<string> {
  const catalogs = [
    "pg_class",
    "pg_attribute",
    "pg_constraint",
    "pg_trigger",
    "pg_proc",
    "pg_type",
    "pg_namespace",
  ];
  const result = await client.query<{ state: string }>(
    `SELECT concat_ws('|',
       ${catalogs.map((catalog) => `(SELECT max(xmin::text::bigint) FROM ${catalog})`).join(", ")},
       (SELECT string_agg(format('%s.%s:%s', schemaname, sequencename, last_value), ',' ORDER BY 1) FROM pg_sequences WHERE last_value IS NOT NULL),
       ${seeded.map((table) => `(SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) FROM ${table} t)`).join(", ")}
     ) AS state`,
  );
  return result.rows[0]!.state;
}

/**
 * Empties the instance's tables and puts it back in the pool, or closes it if it cannot be made
 * like a new copy (closed by its test, a transaction left open, its schema or seed rows changed).
 */
async function returnToPool(instance: PooledInstance): Promise<void> {
  const { client } = instance;
  try {
    if (client.closed) throw new Error("closed by its test");
    // DISCARD ALL ends session state (temporary tables, LISTENs, settings, advisory locks); it
    // cannot run inside a transaction, so a test that left one open is caught here too.
    await client.exec("DISCARD ALL");
    const filled = (await client.query<{ name: string }>(instance.filledTables)).rows.map((row) => row.name);
    const used = (await client.query<{ name: string }>(instance.newlyUsed)).rows.map((row) => row.name);
    // DELETE rather than TRUNCATE: a test leaves a few rows, and TRUNCATE makes new files for every
    // table and index (about 125 ms of CPU for all of them, against a few ms). Replica mode skips
    // the foreign keys' triggers (and ours), so the order of the tables does not matter.
    await client.exec(
      `BEGIN; SET LOCAL session_replication_role = replica;
       ${filled.map((table) => `DELETE FROM ${table};`).join(" ")}
       ${used.map((sequence) => `SELECT setval('${sequence}', 1, false);`).join(" ")}
       COMMIT;`,
    );
    if ((await stateOf(client, instance.seeded)) !== instance.pristine) throw new Error("changed");
    idleInstances.push(instance);
  } catch {
    poolStatistics.discarded++;
    if (!client.closed) await client.close().catch(() => {});
  }
}

/**
 * Fills the folder `dataDir` (made if missing; it must hold no database yet) with a migrated PGlite
 * data folder, as `npm start` leaves one after its first start minus its lock and auth secret: for
 * tests that start `npm start`'s process but are not about a first start, so each skips initdb
 * (about 3.5 s of CPU) and the migrations. It copies a folder made once (initdb, then the
 * migrations) and kept beside the images in `node_modules/.cache/todo-test-databases/`.
 */
export async function copyMigratedDataFolder(dataDir: string): Promise<void> {
  await cp(await migratedFolder(), dataDir, { recursive: true, errorOnExist: true, force: false });
}

let folder: Promise<string> | undefined;

function migratedFolder(): Promise<string> {
  folder ??= (async () => {
    const path = join(cacheDir, `folder-${await imageKey()}`);
    try {
      await readFile(join(path, "PG_VERSION"));
      return path;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    // Made aside and renamed, as the images are; a process that lost the race keeps the winner's.
    // Made as a first start makes it (initdb, then the migrations), not from the test image, which
    // lacks the template databases.
    const partial = `${path}.${process.pid}.partial`;
    await rm(partial, { recursive: true, force: true });
    // On a fresh clone this may be the first thing made in the cache (PGlite makes only the last folder).
    await mkdir(cacheDir, { recursive: true });
    const handle = await openDatabase({ kind: "pglite", dataDir: partial });
    try {
      await migrateToLatest(handle.db);
    } finally {
      await handle.close();
    }
    try {
      await rename(partial, path);
    } catch (error) {
      if (!["ENOTEMPTY", "EEXIST"].includes((error as NodeJS.ErrnoException).code ?? "")) throw error;
      await rm(partial, { recursive: true, force: true });
    }
    for (const name of await readdir(cacheDir))
      if (name.startsWith("folder-") && !name.includes(".") && join(cacheDir, name) !== path)
        await rm(join(cacheDir, name), { recursive: true, force: true });
    return path;
  })();
  return folder;
}

let template: Promise<string> | undefined;

/** The migrated template database on the server, made by the first test process that needs it. */
function serverTemplate(serverUrl: string): Promise<string> {
  template ??= (async () => {
    const name = `test_template_${await imageKey()}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    try {
      // Test processes run in parallel: one builds, the others wait here and then find it.
      await admin.query("SELECT pg_advisory_lock(hashtext($1))", [name]);
      const found = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
      if (found.rowCount === 0) {
        // Built under another name and renamed, so a process that dies midway leaves no half template.
        const building = `${name}_building`;
        await admin.query(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`);
        await admin.query(`CREATE DATABASE ${building}`);
        const handle = await openDatabase({
          kind: "postgres",
          url: databaseUrl(serverUrl, building),
          poolSize: 1,
        });
        try {
          await migrateToLatest(handle.db);
        } finally {
          await handle.close();
        }
        await admin.query(`ALTER DATABASE ${building} RENAME TO ${name}`);
      }
    } finally {
      // Ending the session releases the advisory lock.
      await admin.end();
    }
    return name;
  })();
  return template;
}

function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function openScratchServerDatabase(serverUrl: string, templateName?: string): Promise<DatabaseHandle> {
  const name = `test_${randomUUID().replaceAll("-", "")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}${templateName ? ` TEMPLATE ${templateName}` : ""}`);
  await admin.end();
  // The database is dropped when the test ends, which ends its connections: not an error here.
  const handle = await openDatabase(
    { kind: "postgres", url: databaseUrl(serverUrl, name), poolSize: 5 },
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

/**
 * Inserts a user row straight into the auth table (no password, no session), for tests below the
 * API. The e-mail address is `<name>-<uuid>@example.com` in lower case, unique per call.
 */
export async function createTestUser(
  database: DatabaseHandle,
  name = "u",
): Promise<{ id: string; email: string }> {
  const email = `${name.toLowerCase()}-${randomUUID()}@example.com`;
  const row = await database.db
    .insertInto("users")
    .values({ name, email })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { id: row.id, email };
}
