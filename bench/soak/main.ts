// npm run soak [-- --minutes N] [-- --seed S] [-- --quick]
// A soak with faults on purpose on the distributed stack (infrastructure/stack): a steady mixed load
// from a few users while a seeded fault schedule (schedule.ts, printed before it runs) kills,
// stops and pauses every part; then the history is checked against the invariants
// (invariants.ts) and the figures are written: a full run into docs/benchmarks.json and .md (the
// Soak section), a --quick run (~2 minutes of load, for CI) next to the stack's logs. Exits 1 on
// any violation. The stack lives in STACK_DIR (default $TMPDIR/todo-soak-stack) on ports.env's
// ports moved by STACK_PORT_OFFSET, e.g.
//   STACK_PORT_OFFSET=1100 STACK_DIR=/tmp/soak-stack npm run soak -- --minutes 30
import "./env.ts";
import { randomInt } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { log, script, stackDir, waitForFreePorts } from "../stack.ts";
import * as cluster from "./cluster.ts";
import { canary, type FaultWindow, runFaults } from "./faults.ts";
import { checkAll, type History } from "./invariants.ts";
import { Client, runUser, type SoakUser, setUpUser } from "./load.ts";
import { startReceiver } from "./receiver.ts";
import { soakRows, writeSoakReport } from "./report.ts";
import { describeSchedule, faultSchedule } from "./schedule.ts";

const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return undefined;
  return args[i]!.includes("=") ? args[i]!.split("=")[1] : args[i + 1];
};
const quick = args.includes("--quick");
const minutes = Number(option("minutes") ?? 10);
const seed = Number(option("seed") ?? randomInt(2 ** 31));
if (!Number.isInteger(seed) || seed < 0 || !(minutes > 0)) {
  console.error("usage: npm run soak -- [--minutes N (default 10)] [--seed S (a whole number)] [--quick]");
  process.exit(2);
}
const loadSeconds = quick ? 110 : Math.round(minutes * 60);
const users = quick ? 3 : 5;
const command = `npm run soak -- ${quick ? "--quick" : `--minutes ${minutes}`} --seed ${seed}`;

const faults = faultSchedule({ seed, loadSeconds, quick });
console.log(`soak: seed ${seed}, ${loadSeconds} s of load, ${users} users; replay with: ${command}`);
console.log(`fault schedule (${faults.length} faults):\n${describeSchedule(faults)}`);

let stackUp = false;
async function cleanUp() {
  await cluster.stopAll().catch((e) => log(`stopping the services: ${e}`));
  if (stackUp) await script("down.sh").catch((e) => log(`down.sh failed: ${e}`));
  stackUp = false;
}
process.on("SIGINT", () => {
  log("interrupted; stopping what was started");
  cleanUp().finally(() => process.exit(130));
});

const pool = new pg.Pool({ connectionString: cluster.soakDatabaseUrl, max: 2 });
pool.on("error", () => {}); // PostgreSQL is stopped on purpose; a query then fails and is tried again.
async function count(text: string, values: unknown[] = []): Promise<number> {
  return (await pool.query<{ n: number }>(text, values)).rows[0]!.n;
}

/** Both consumers processed the task.created event of `taskId`. */
const reachedConsumers = async (taskId: number) =>
  (await count(
    `SELECT count(DISTINCT p.consumer)::int AS n FROM processed_events p JOIN outbox o USING (event_id)
      WHERE o.event_type = 'task.created' AND (o.payload->>'task_id')::int = $1`,
    [taskId],
  )) === 2;

/** Until every event older than 30 s is published and processed by each of its consumers. */
async function settle(timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const behind = await count(
        `SELECT count(*)::int AS n FROM outbox o
          WHERE o.created_at < now() - interval '30 seconds' AND (o.published_at IS NULL
             OR NOT EXISTS (SELECT 1 FROM processed_events p WHERE p.event_id = o.event_id AND p.consumer = 'notification-service')
             OR (o.topic = 'task-events' AND NOT EXISTS (SELECT 1 FROM processed_events p WHERE p.event_id = o.event_id AND p.consumer = 'audit-service')))`,
      );
      if (behind === 0) return true;
    } catch {}
    await new Promise((r) => setTimeout(r, 2000));
  }
  return false;
}

async function main(): Promise<number> {
  const startedAt = new Date();
  await script("provision.sh");
  await script("down.sh", "--clean").catch(() => {});
  await waitForFreePorts(5 * 60_000);
  stackUp = true;
  await script("up.sh");
  await cluster.createSoakDatabase();
  await cluster.bundleAll();
  await cluster.startAll();
  const receiver = await startReceiver(seed);
  const client = new Client(cluster.backendUrls);
  const soakUsers: SoakUser[] = [];
  for (let i = 0; i < users; i++) soakUsers.push(await setUpUser(client, receiver.url, i === 0));
  const canaryUser = await setUpUser(client, receiver.url, false);
  log(`${users} users signed up (the first one's webhook answers 410); load for ${loadSeconds} s`);

  const loadStart = Date.now();
  const loadEnd = loadStart + loadSeconds * 1000;
  const recoveryTimeout = quick ? 120_000 : 180_000;
  const [windows] = await Promise.all([
    runFaults(faults, loadStart, () => canary(client, canaryUser, reachedConsumers, recoveryTimeout)),
    ...soakUsers.map((user, i) => runUser(client, user, seed + i + 1, () => Date.now() >= loadEnd)),
  ]);
  log(`load over: ${client.calls.length} calls; settling`);
  const settled = await settle(quick ? 180_000 : 300_000);
  if (!settled) log("the consumers did not catch up in time; the checks say where");
  const { readSnapshot } = await import("./snapshot.ts");
  const snapshot = await readSnapshot(cluster.soakDatabaseUrl);
  const history: History = {
    calls: client.calls,
    windows,
    receipts: receiver.receipts,
    loadEnd,
    exits: cluster.unexpectedExits,
  };
  const results = checkAll(history, snapshot);
  await receiver.close();
  await pool.end();
  await cleanUp();

  const violations = results.reduce((s, r) => s + r.violations, 0);
  console.log(`\ninvariants (seed ${seed}):`);
  for (const r of results) {
    console.log(
      `  ${r.violations === 0 ? "ok  " : "FAIL"} ${r.name}: ${r.checked} checked, ${r.violations} violations`,
    );
    for (const e of r.examples) console.log(`         e.g. ${e}`);
  }
  const rows = soakRows({ command, history, snapshot, windows: windows as FaultWindow[], violations });
  for (const row of rows)
    console.log(`  ${row.name} = ${row.value} ${row.unit}${row.note ? ` (${row.note})` : ""}`);
  const outDir = join(stackDir, "report");
  mkdirSync(outDir, { recursive: true });
  writeFileSync(
    join(outDir, "soak.json"),
    `${JSON.stringify({ seed, command, startedAt, results, rows, windows, history }, null, 2)}\n`,
  );
  if (!quick) log(`figures written to ${await writeSoakReport(rows)}`);
  log(`${violations} violations; history and figures in ${outDir}/soak.json`);
  return violations === 0 ? 0 : 1;
}

try {
  process.exitCode = await main();
} catch (error) {
  console.error(error);
  await cleanUp();
  process.exitCode = 1;
}
