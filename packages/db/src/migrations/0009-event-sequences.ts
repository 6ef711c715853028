import type { Kysely } from "kysely";
import { runStatements } from "../run-statements.ts";

// Ordering information for receivers: every event carries `sequence`, numbered per aggregate (the
// task it names, else its user) by the transaction that writes it. The row of an aggregate is
// locked by that transaction until it commits, so numbers rise in commit order. Rows outlive their
// task and user: a counter started again would make stale events look new.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    CREATE TABLE event_sequences (
      aggregate text PRIMARY KEY,
      user_id text NOT NULL,
      last_sequence bigint NOT NULL CHECK (last_sequence > 0)
    );
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, "DROP TABLE event_sequences");
}
