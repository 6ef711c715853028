// npm run bench [-- --quick] [-- --only=startup,api,events,recurring,statestore,outage,redelivery,notification,activity,embedded,fuzz]
// npm run bench -- --render   (rewrites docs/benchmarks.md from docs/benchmarks.json)
// Provisions and starts the one-machine stack (infrastructure/stack: provision.sh, up.sh), seeds a
// database straight into PostgreSQL, runs every benchmark against 127.0.0.1 (bounded in count and
// time), writes docs/benchmarks.json and docs/benchmarks.md, and stops everything it started
// (down.sh). --quick runs a reduced version (smaller seed, shorter runs, a 15 s outage) and writes
// its report next to the stack's logs instead of docs/, as does --only. The stack lives in
// BENCH_STACK_DIR (default $TMPDIR/todo-bench-stack) on ports.env's ports moved by
// STACK_PORT_OFFSET (default 0): a second run beside this one needs another of each, e.g.
//   BENCH_STACK_DIR=/tmp/bench-b STACK_PORT_OFFSET=700 npm run bench -- --only=activity
//
// This file is the runner only: each distributed benchmark is a file of its own (api-load.ts,
// event-latency.ts, recurring-lag.ts, state-store.ts, kafka-outage.ts, redelivery.ts,
// notification-service.ts), listed below in the order they run; what they share is in
// harness.ts (options, rows) and distributed.ts (the services, the subscriber's record).
import { activityLag } from "./activity-lag.ts";
import "./stack.ts";
import { existsSync } from "node:fs";
import { migrateToLatest, openDatabase } from "@todo/db";
import pg from "pg";
import { apiLoad } from "./api-load.ts";
import { databaseUrl, query, secret, startDistributed, stopDistributed } from "./distributed.ts";
import { eventLatency } from "./event-latency.ts";
import { fuzzEmbedded } from "./fuzz.ts";
import {
  args,
  type Benchmark,
  command,
  only,
  P,
  pending,
  quick,
  redelivery,
  row,
  rows,
  startedAt,
  wants,
} from "./harness.ts";
import { kafkaOutage } from "./kafka-outage.ts";
import { notificationService } from "./notification-service.ts";
import { recurringLag } from "./recurring-lag.ts";
import { redeliveryBench } from "./redelivery.ts";
import { meetsGoal, renderDocs, writeReport } from "./report.ts";
import { benchUsers, seed } from "./seed.ts";
import { measureStartups } from "./services.ts";
import {
  adminUrl,
  enableCommitTimestamps,
  log,
  ports,
  repoRoot,
  script,
  spawnService,
  stackDir,
  waitForFreePorts,
} from "./stack.ts";
import { stateStore } from "./state-store.ts";

/** The distributed benchmarks on the seeded stack, in the order they run. */
const seededBenchmarks: Benchmark[] = [
  apiLoad,
  eventLatency,
  recurringLag,
  stateStore,
  kafkaOutage,
  redeliveryBench,
  notificationService,
  activityLag,
];

let stackStarted = false;

function runScript(file: string, arg: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawnService(
      `embedded-${file.replace(/\W/g, "-")}`,
      process.execPath,
      ["--import", "tsx", file, arg],
      {},
    );
    const timer = setTimeout(() => child.stop(), 300_000);
    child.child.once("exit", (code) => {
      clearTimeout(timer);
      code === 0 ? resolve() : reject(new Error(`exit code ${code}`));
    });
  });
}

async function main(): Promise<void> {
  log(`${quick ? "quick" : "full"} run; stack in ${stackDir}`);
  const needsStack = wants("startup") || seededBenchmarks.some((b) => wants(b.name));
  if (needsStack) {
    await script("provision.sh");
    // A clean stack each run (consumer groups must not meet an earlier run's events); then wait
    // for any other stack on the same fixed ports (a concurrent `npm run test:stack`).
    await script("down.sh", "--clean").catch(() => {});
    await waitForFreePorts(15 * 60_000);
    stackStarted = true;
    await script("up.sh");
    await enableCommitTimestamps();
    const admin = new pg.Client({ connectionString: adminUrl() });
    await admin.connect();
    await admin.query("CREATE DATABASE bench");
    await admin.end();
    const handle = await openDatabase({ kind: "postgres", url: databaseUrl, poolSize: 1 });
    await migrateToLatest(handle.db);
    await handle.close();
    if (wants("startup")) {
      // First, on an idle machine and an empty database, with no sidecar yet.
      for (const r of await measureStartups(P.startupRuns, databaseUrl, secret))
        rows.push({ ...r, meets: meetsGoal(r.value, r.goal), command });
    }
  }
  if (seededBenchmarks.some((b) => wants(b.name))) {
    const t = performance.now();
    await seed(databaseUrl, { users: P.users, tasks: P.tasks });
    log(`seeded ${P.tasks} tasks for ${P.users} users in ${Math.round((performance.now() - t) / 1000)} s`);
    // The seed's pages are written out now, not by a checkpoint in the middle of a measurement.
    const superuser = new pg.Client({
      connectionString: `postgres://postgres@127.0.0.1:${ports.POSTGRES_PORT}/postgres`,
    });
    await superuser.connect();
    await superuser.query("CHECKPOINT");
    await superuser.end();
    const users = await benchUsers(databaseUrl);
    const tagsOf = new Map<string, number[]>();
    for (const r of await query<{ user_id: string; ids: number[] }>(
      "SELECT user_id, array_agg(id ORDER BY id) AS ids FROM tags GROUP BY user_id",
    ))
      tagsOf.set(r.user_id, r.ids);
    await startDistributed();
    for (const benchmark of seededBenchmarks)
      if (wants(benchmark.name)) await benchmark.run({ users, tagsOf });
    if (redelivery.notes.length > 0)
      row(
        "redelivery_duplicates",
        redelivery.extra,
        "count",
        "= 0",
        "distributed",
        redelivery.notes.join(". "),
      );
    await stopDistributed();
  }
  if (stackStarted) {
    await script("down.sh");
    stackStarted = false;
  }
  if (wants("embedded") && !quick) {
    // The single-purpose embedded-mode scripts (they record their own rows, under "Other figures").
    for (const [file, arg] of [
      ["bench/sse-latency.ts", "1000"],
      ["bench/notification-latency.ts", "200"],
    ] as const) {
      if (!existsSync(`${repoRoot}${file}`)) continue;
      log(`embedded: node --import tsx ${file} ${arg}`);
      await runScript(file, arg).catch((error) => log(`${file} failed: ${(error as Error).message}`));
    }
  }
  if (wants("fuzz"))
    for (const r of await fuzzEmbedded(P.fuzzExamples))
      rows.push({ ...r, meets: meetsGoal(r.value, r.goal), command });
}

let finished = false;
const finishRun = async (ok: boolean) => {
  if (finished) return;
  finished = true;
  await stopDistributed().catch(() => {});
  if (stackStarted) await script("down.sh").catch((e) => log(`down.sh failed: ${e}`));
  const finishedAt = new Date();
  const toDocs = ok && !quick && !only;
  const target = await writeReport(rows, {
    command,
    startedAt,
    finishedAt,
    pending,
    ...(toDocs ? {} : { outDir: `${stackDir}/report` }),
  });
  log(
    `report written to ${target}; ${Math.round((finishedAt.getTime() - startedAt.getTime()) / 1000)} s in all`,
  );
};

process.on("SIGINT", () => {
  log("interrupted; stopping what was started");
  finishRun(false).finally(() => process.exit(130));
});

if (args.includes("--render")) {
  log(`rewrote ${await renderDocs()} from docs/benchmarks.json`);
  process.exit(0);
}

try {
  await main();
  await finishRun(true);
} catch (error) {
  console.error(error);
  await finishRun(false);
  process.exit(1);
}
