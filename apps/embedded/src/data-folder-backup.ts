// `npm run db:backup -- FILE` and `npm run db:restore -- FILE`: the embedded database (DATA_DIR)
// with the server stopped, or a PostgreSQL server (DATABASE_URL) through pg_dump and pg_restore.

import { spawnSync } from "node:child_process";
import { mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { loadBackendConfig } from "@todo/api";
import { loadOrExit } from "@todo/server";
import { DataFolderError, lockDataFolder, rewriteLockOwner } from "./data-folder-lock.ts";

/**
 * Writes the whole data folder (database and `auth-secret`) to `file` as a gzipped tarball made by
 * PGlite's `dumpDataDir`. The folder is locked first, so a running `npm start` makes it fail with
 * the holder's name: the copy is consistent because nothing else writes while it is made. The file
 * holds the session-signing secret and every user's data: it is written readable by its owner only.
 */
export async function backupDataFolder(dataDir: string, file: string): Promise<number> {
  const unlock = await lockDataFolder(dataDir, { onCompromised: (error) => fail(error.message) });
  try {
    const { PGlite } = await import("@electric-sql/pglite");
    const client = await PGlite.create({ dataDir: resolve(dataDir) });
    const dump = await client.dumpDataDir("gzip");
    await client.close();
    const bytes = Buffer.from(await dump.arrayBuffer());
    await writeFile(file, bytes, { mode: 0o600 });
    return bytes.length;
  } finally {
    await unlock();
  }
}

/**
 * Replaces the data folder with a backup made by backupDataFolder, with the server stopped (the
 * folder is locked). What the folder held is moved aside first, to `<DATA_DIR>.before-restore-<time>`,
 * so a restore loses nothing. Answers where the old contents went, or null when it was empty.
 */
export async function restoreDataFolder(dataDir: string, file: string): Promise<string | null> {
  const folder = resolve(dataDir);
  const backup = new Blob([await readFile(file)]);
  const unlock = await lockDataFolder(folder, { onCompromised: (error) => fail(error.message) });
  try {
    const entries = (await readdir(folder)).filter((name) => !name.startsWith(".lock"));
    let aside: string | null = null;
    if (entries.length > 0) {
      aside = `${folder}.before-restore-${new Date().toISOString().replaceAll(":", "-")}`;
      await mkdir(aside);
      for (const name of entries) await rename(join(folder, name), join(aside, name));
    }
    const { PGlite } = await import("@electric-sql/pglite");
    const client = await PGlite.create({ dataDir: folder, loadDataDir: backup });
    await client.query("SELECT 1");
    await client.close();
    // The backup carried the lock owner of the process that made it.
    await rewriteLockOwner(folder);
    return aside;
  } finally {
    await unlock();
  }
}

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

function runTool(command: string, args: string[]): void {
  const result = spawnSync(command, args, { stdio: "inherit" });
  if (result.error) fail(`${command}: ${result.error.message} (install the PostgreSQL client tools)`);
  if (result.status !== 0) process.exit(result.status ?? 1);
}

async function main(): Promise<void> {
  const [verb, file] = process.argv.slice(2);
  if ((verb !== "backup" && verb !== "restore") || !file) {
    fail("usage: npm run db:backup -- FILE | npm run db:restore -- FILE");
  }
  const config = loadOrExit(() => loadBackendConfig());
  const target = resolve(file);
  try {
    if (config.database.kind === "postgres") {
      // pg_dump takes one consistent snapshot while the services keep running.
      if (verb === "backup") runTool("pg_dump", ["--format=custom", `--file=${target}`, config.database.url]);
      else
        runTool("pg_restore", [
          "--clean",
          "--if-exists",
          "--no-owner",
          "--single-transaction",
          `--dbname=${config.database.url}`,
          target,
        ]);
    } else if (verb === "backup") {
      const bytes = await backupDataFolder(config.database.dataDir, target);
      console.log(`backed up ${resolve(config.database.dataDir)} to ${target} (${bytes} bytes)`);
    } else {
      const aside = await restoreDataFolder(config.database.dataDir, target);
      console.log(
        `restored ${target} into ${resolve(config.database.dataDir)}${aside ? `; what it held is in ${aside}` : ""}`,
      );
    }
  } catch (error) {
    if (error instanceof DataFolderError) fail(error.message);
    throw error;
  }
}

if (
  process.argv[1] &&
  resolve(process.argv[1]) === resolve(join(import.meta.dirname, "data-folder-backup.ts"))
) {
  await main();
}
