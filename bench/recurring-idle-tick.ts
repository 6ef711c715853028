// What a scheduler tick costs when nothing is due: 100,000 templates, half inactive (their
// occurrence long past), half active but in the future, plus 100,000 tasks whose reminders are
// in the future. Runs on TEST_DATABASE_URL's server when set (scripts/with-postgres.sh), else PGlite.
//   scripts/with-postgres.sh node --import tsx bench/recurring-idle-tick.ts

import { sql } from "kysely";
import { openTestDatabase } from "../packages/db/src/testing.ts";
import { type Log, silentLog } from "../packages/server/src/index.ts";
import { runRecurringTick } from "../packages/tasks/src/recurring-tick.ts";
import { runReminderTick } from "../packages/tasks/src/reminder-tick.ts";
import { recordRows, summarize } from "./report.ts";

const templates = Number(process.argv[2] ?? 100_000);
const database = await openTestDatabase();
const { db } = database;
const user = await db
  .insertInto("users")
  .values({ name: "idle", email: "idle@example.com" })
  .returning("id")
  .executeTakeFirstOrThrow();
await sql`
  INSERT INTO recurring_tasks (user_id, template_title, recurrence_pattern, timezone, anchor_at, next_occurrence, is_active)
  SELECT ${user.id}, 'template ' || i, 'daily', 'UTC',
         CASE WHEN i % 2 = 0 THEN now() - interval '30 days' ELSE now() + (i || ' minutes')::interval END,
         CASE WHEN i % 2 = 0 THEN now() - interval '30 days' ELSE now() + (i || ' minutes')::interval END,
         i % 2 = 1
  FROM generate_series(1, ${templates}) AS i`.execute(db);
await sql`
  INSERT INTO tasks (user_id, title, due_date, next_reminder_at)
  SELECT ${user.id}, 'task ' || i, now() + interval '3 days' + (i || ' seconds')::interval,
         now() + interval '2 days' + (i || ' seconds')::interval
  FROM generate_series(1, ${templates}) AS i`.execute(db);
await sql`ANALYZE`.execute(db);

const log: Log = { ...silentLog, error: (o: object, m: string) => console.error(m, o) };
const durations: number[] = [];
for (let i = 0; i < 300; i++) {
  const started = performance.now();
  const result = await runRecurringTick(db, log);
  const reminders = await runReminderTick(db);
  durations.push(performance.now() - started);
  if (result.created !== 0 || reminders !== 0) throw new Error("an idle tick did work");
}
const stats = summarize(durations.slice(20));
const kind = database.kind === "postgres" ? "PostgreSQL 15 server" : "PGlite";
console.log(
  `${kind}: idle tick over ${templates} templates + ${templates} tasks: p50 ${stats.p50.toFixed(2)} ms, p99 ${stats.p99.toFixed(2)} ms`,
);
const { rows } = await sql<{ "QUERY PLAN": string }>`
  EXPLAIN SELECT * FROM recurring_tasks WHERE is_active = true AND next_occurrence <= now()
  ORDER BY next_occurrence LIMIT 1 FOR UPDATE SKIP LOCKED`.execute(db);
console.log(rows.map((r) => r["QUERY PLAN"]).join("\n"));
await database.close();
const mode = database.kind === "postgres" ? "distributed" : "embedded";
const command = `${database.kind === "postgres" ? "scripts/with-postgres.sh " : ""}node --import tsx bench/recurring-idle-tick.ts ${templates}`;
await recordRows([
  {
    name: "recurring_idle_tick_p50_ms",
    value: Number(stats.p50.toFixed(2)),
    unit: "ms",
    goal: "",
    meets: null,
    mode,
    command,
    note: `${templates} inactive/future templates + ${templates} future reminders`,
  },
  {
    name: "recurring_idle_tick_p99_ms",
    value: Number(stats.p99.toFixed(2)),
    unit: "ms",
    goal: "",
    meets: null,
    mode,
    command,
    note: `${templates} inactive/future templates + ${templates} future reminders`,
  },
]);
