import type { Kysely } from "kysely";
import { runStatements } from "../run-statements.ts";

// The relay's lease on the outbox rows it claimed: it commits the claim, publishes outside any
// transaction, then marks the rows published. `lease_owner` names the relay; a lease whose
// `leased_until` has passed (its relay died mid-publish) may be taken over by another relay.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    ALTER TABLE outbox
      ADD COLUMN lease_owner text,
      ADD COLUMN leased_until timestamptz;
    CREATE INDEX idx_outbox_pending_partition ON outbox(partition_key, id) WHERE published_at IS NULL;
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `DROP INDEX idx_outbox_pending_partition;
     ALTER TABLE outbox DROP COLUMN lease_owner, DROP COLUMN leased_until`,
  );
}
