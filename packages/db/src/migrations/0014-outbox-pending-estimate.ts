import type { Kysely } from "kysely";
import { runStatements } from "../run-statements.ts";

// The outbox is a queue with a long tail: pending rows are a handful in steady state, and a
// backlog (a create burst, a broker outage) briefly makes them a third of the table or more. An
// ANALYZE taken during a backlog recorded that fraction for published_at, and the planner then
// read every claim's pending rows with a sequential scan of the whole outbox (published rows are
// kept for days) until the next ANALYZE, which on a large outbox comes only after 10% of its rows
// change. Without statistics for the column, `published_at IS NULL` is estimated at PostgreSQL's
// default 0.5% of the rows, so the pending rows are always read through the pending partial
// indexes, whose size follows the backlog itself. Setting the target to 0 stops ANALYZE from
// collecting them; the no-op type change drops the ones already collected (ALTER COLUMN TYPE
// removes a column's statistics; the indexes are kept, the type being the same).
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    ALTER TABLE outbox ALTER COLUMN published_at SET STATISTICS 0;
    ALTER TABLE outbox ALTER COLUMN published_at TYPE timestamptz;
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `ALTER TABLE outbox ALTER COLUMN published_at SET STATISTICS -1;`);
}
