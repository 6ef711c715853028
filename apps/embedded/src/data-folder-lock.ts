import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join, resolve } from "node:path";
import { type DatabaseHandle, openDatabase } from "@todo/db";
import { sql } from "kysely";
import lockfile from "proper-lockfile";

/** The process that holds a data folder, as it wrote itself down when it took the lock. */
export interface LockOwner {
  pid: number;
  host: string;
  started_at: string;
}

export class DataFolderError extends Error {
  override name = "DataFolderError";
}

const LOCK = ".lock";
const OWNER = ".lock-owner.json";
/** How old an unrefreshed lock must be before a new start takes it over (the holder refreshes it every 2 s). */
const STALE_MS = 10_000;

export interface DataFolderLockOptions {
  /** Called when the lock was lost while held (the folder was removed, or another process took it). */
  onCompromised(error: Error): void;
}

/**
 * Takes the data folder for this process alone, before the database is opened: PGlite is one
 * writer, and two on one folder lose acknowledged writes or damage it. The lock is a directory
 * made atomically (`mkdir`, proper-lockfile) whose mtime the holder refreshes every 2 s; beside it
 * the holder writes its pid, host and start time, so a second start on the same host that finds
 * the holder alive fails at once with a message naming both. A lock left by a dead holder (kill -9,
 * a crash, a power cut) is taken over once it is STALE_MS old; a live holder on this host is never
 * displaced, even when a blocked event loop let the lock go stale.
 *
 * Resolves to a function that releases the lock. Throws DataFolderError when the folder is held.
 */
export async function lockDataFolder(
  dataDir: string,
  options: DataFolderLockOptions,
): Promise<() => Promise<void>> {
  const folder = resolve(dataDir);
  await mkdir(folder, { recursive: true });
  const lockOptions = {
    lockfilePath: join(folder, LOCK),
    stale: STALE_MS,
    update: 2_000,
    realpath: false,
    onCompromised: options.onCompromised,
  };
  const waitUntil = Date.now() + STALE_MS + 5_000;
  for (;;) {
    let release: () => Promise<void>;
    try {
      release = await lockfile.lock(folder, lockOptions);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ELOCKED") throw error;
      const owner = await readOwner(folder);
      if ((owner && isAliveHere(owner)) || Date.now() > waitUntil) throw heldError(folder, owner);
      // The holder is gone (or still writing its name): its lock turns stale within STALE_MS.
      await new Promise((r) => setTimeout(r, 250));
      continue;
    }
    const previous = await readOwner(folder);
    if (previous && isAliveHere(previous)) {
      await release();
      throw heldError(folder, previous);
    }
    await rewriteLockOwner(folder);
    return release;
  }
}

/** Records this process as the holder of the folder's lock (beside the lock, for a second start to name). */
export async function rewriteLockOwner(folder: string): Promise<void> {
  const owner: LockOwner = { pid: process.pid, host: hostname(), started_at: new Date().toISOString() };
  await writeFile(join(folder, OWNER), `${JSON.stringify(owner)}\n`);
}

async function readOwner(folder: string): Promise<LockOwner | null> {
  try {
    return JSON.parse(await readFile(join(folder, OWNER), "utf8")) as LockOwner;
  } catch {
    return null;
  }
}

/** Whether the recorded holder is a live process on this host (other than this one: a container restarts as pid 1). */
function isAliveHere(owner: LockOwner): boolean {
  if (owner.host !== hostname() || owner.pid === process.pid) return false;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function heldError(folder: string, owner: LockOwner | null): DataFolderError {
  const who = owner
    ? `process ${owner.pid} on ${owner.host} (running since ${owner.started_at})`
    : "another process";
  return new DataFolderError(
    `the data folder ${folder} is in use by ${who}; stop it first, or start with another DATA_DIR`,
  );
}

/** Files that this program keeps in the data folder beside PostgreSQL's own. */
const OUR_FILES = new Set([LOCK, OWNER, "auth-secret"]);
/** Longer than any healthy open, first start's initdb on a busy machine included. */
const OPEN_TIMEOUT_MS = 60_000;

/**
 * Opens PGlite on a locked folder, or throws DataFolderError naming the folder and the reason:
 * a non-empty folder without PG_VERSION is not a database folder (PGlite would initialise a
 * database among the files); a damaged or newer-version database makes PGlite abort its
 * WebAssembly module or fail to initialise, which is reported with the folder's PG_VERSION; an
 * open that does not finish within OPEN_TIMEOUT_MS is reported instead of hanging.
 */
export async function openDataFolder(dataDir: string): Promise<DatabaseHandle> {
  const folder = resolve(dataDir);
  const entries = (await readdir(folder)).filter((name) => !OUR_FILES.has(name));
  const version = await readFile(join(folder, "PG_VERSION"), "utf8").then(
    (text) => text.trim(),
    () => null,
  );
  if (entries.length > 0 && version === null) {
    throw new DataFolderError(
      `${folder} is not a database folder (it has files but no PG_VERSION); point DATA_DIR at an empty folder or at one npm start made`,
    );
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${OPEN_TIMEOUT_MS / 1000} s`)),
      OPEN_TIMEOUT_MS,
    );
  });
  try {
    const database = await Promise.race([openDatabase({ kind: "pglite", dataDir: folder }), timeout]);
    await Promise.race([sql`SELECT 1`.execute(database.db), timeout]);
    return database;
  } catch (error) {
    const reason = (error as Error).message.split("\n")[0];
    throw new DataFolderError(
      `cannot open the database in ${folder} (PostgreSQL ${version ?? "?"} data folder): ${reason}. ` +
        "It may be damaged or made by a newer version; restore a backup (npm run db:restore) or move the folder away",
    );
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The database `npm start` runs on. A PostgreSQL server is opened as it is; a PGlite folder is
 * locked, checked and opened with lockDataFolder and openDataFolder. A DataFolderError is printed
 * (one line, naming the folder) and the process exits with status 1.
 */
export async function openStartDatabase(
  target: { kind: "postgres"; url: string; poolSize: number } | { kind: "pglite"; dataDir: string },
): Promise<{ database: DatabaseHandle; unlock: () => Promise<void> }> {
  if (target.kind === "postgres") return { database: await openDatabase(target), unlock: async () => {} };
  try {
    const unlock = await lockDataFolder(target.dataDir, {
      onCompromised: (error) => {
        // Another process may now write to the folder: stop rather than be a second writer.
        console.error(`the lock on the data folder ${resolve(target.dataDir)} was lost: ${error.message}`);
        process.exit(1);
      },
    });
    try {
      return { database: await openDataFolder(target.dataDir), unlock };
    } catch (error) {
      await unlock();
      throw error;
    }
  } catch (error) {
    if (!(error instanceof DataFolderError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
