import type { Kysely } from "kysely";
import { runStatements } from "../run-statements.ts";

// The claim (outbox_claim, 0013) reads the pending rows through the pending partial index. A
// published row leaves that index only when VACUUM runs, and under a steady stream of creates
// thousands of published rows' entries pile up between two vacuums. The planner read them with a
// bitmap scan, which visits the heap for every entry and never marks one dead, so each claim paid
// again for every row published since the last vacuum: 7.8 ms per claim in the create benchmark
// (pg_stat_statements), most of the PostgreSQL CPU of a create. A plain index scan marks an entry
// whose row is dead to every transaction (LP_DEAD) the first time it meets it, so later claims
// skip it without reading the heap, and the index drops such entries when a page fills. In a
// loop of 2,000 rounds (insert 5 rows, claim, publish them) the claims took 400–490 ms with
// bitmap scans and 70 ms without. With bitmap scans off, the planner would rather read a small
// outbox whole (a sequential scan, which 0014 keeps away from the claim on a large one), so both
// are off: every read of the claim is an index scan. The settings hold only inside the function;
// a later CREATE OR REPLACE FUNCTION outbox_claim drops them, so it must give them again (SET clauses).
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `ALTER FUNCTION outbox_claim(text, interval, integer) SET enable_bitmapscan = off;
     ALTER FUNCTION outbox_claim(text, interval, integer) SET enable_seqscan = off;`,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, "ALTER FUNCTION outbox_claim(text, interval, integer) RESET ALL");
}
