// Usage: migrate-cli.ts up | down [steps] | status   (DATABASE_URL, or DATA_DIR for PGlite)
import { openDatabase } from "./client.ts";
import { migrateDown, migrateToLatest, migrationStatus } from "./migrate.ts";

const [command = "up", stepsArg] = process.argv.slice(2);
const url = process.env.DATABASE_URL;
const handle = await openDatabase(
  url
    ? { kind: "postgres", url, poolSize: 1 }
    : { kind: "pglite", dataDir: process.env.DATA_DIR ?? "./.data" },
);
try {
  if (command === "up") {
    for (const line of await migrateToLatest(handle.db)) console.log(line);
  } else if (command === "down") {
    const steps = Number(stepsArg ?? 1);
    if (!Number.isInteger(steps) || steps < 1)
      throw new Error(`down takes a positive step count, got "${stepsArg}"`);
    for (const line of await migrateDown(handle.db, steps)) console.log(line);
  } else if (command === "status") {
    for (const m of await migrationStatus(handle.db)) {
      console.log(`${m.executedAt ? "applied" : "pending"}  ${m.name}`);
    }
  } else {
    throw new Error(`unknown command "${command}": use up, down [steps] or status`);
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await handle.close();
}
