import assert from "node:assert/strict";
import { test } from "node:test";
import { type Kysely, sql } from "kysely";
import { down, up } from "../src/migrations/0016-outbox-claim-index-scan.ts";
import { openTestDatabase } from "../src/testing.ts";
import { pendingScan } from "./outbox-pending-scan.ts";

test("the claim reads the pending rows with a plain index scan (which marks published rows' entries dead), never a bitmap or sequential scan", async (t) => {
  const handle = await openTestDatabase();
  t.after(() => handle.close());
  const { db } = handle;
  // As a stream of creates leaves the outbox between two vacuums: thousands of rows written
  // pending and then published (their entries still in the pending index), a few pending.
  await sql`
    INSERT INTO outbox (event_id, topic, event_type, partition_key, payload)
    SELECT gen_random_uuid(), 'task-events', 'task.created', 'user-' || (i % 500), '{}'::jsonb
    FROM generate_series(1, 3000) AS i`.execute(db);
  await sql`UPDATE outbox SET published_at = now()`.execute(db);
  await sql`
    INSERT INTO outbox (event_id, topic, event_type, partition_key, payload)
    SELECT gen_random_uuid(), 'task-events', 'task.created', 'user-' || i, '{}'::jsonb
    FROM generate_series(1, 5) AS i`.execute(db);
  await sql`ANALYZE outbox`.execute(db);

  /** The scan's plan under the settings the function runs with (its SET clauses). */
  const planInsideClaim = () =>
    db.transaction().execute(async (tx) => {
      const { rows } = await sql<{ setting: string }>`
        SELECT unnest(proconfig) AS setting FROM pg_proc WHERE proname = 'outbox_claim'`.execute(tx);
      for (const { setting } of rows) {
        const [name, value] = setting.split("=");
        await sql`SELECT set_config(${name}, ${value}, true)`.execute(tx);
      }
      const plan = await pendingScan.execute(tx);
      return plan.rows.map((r) => r["QUERY PLAN"]).join("\n");
    });

  const plan = await planInsideClaim();
  assert.match(plan, /Index (Only )?Scan using idx_outbox_pending_partition/, plan);
  assert.doesNotMatch(plan, /Bitmap|Seq Scan/, plan);
  const claimed = await sql<{ partition_key: string }>`
    SELECT partition_key FROM outbox_claim('relay-test', interval '1 minute', 100)`.execute(db);
  assert.equal(claimed.rows.length, 5, "the claim still leases the pending rows");

  // Without the migration the planner takes a bitmap scan, or on an outbox this small reads it whole.
  await down(db as Kysely<unknown>);
  assert.match(
    await planInsideClaim(),
    /Bitmap Index Scan on idx_outbox_pending_partition|Seq Scan on outbox/,
  );
  await up(db as Kysely<unknown>);
  assert.doesNotMatch(await planInsideClaim(), /Bitmap|Seq Scan/);
});
