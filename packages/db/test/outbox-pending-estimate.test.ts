import assert from "node:assert/strict";
import { test } from "node:test";
import { type Kysely, sql } from "kysely";
import { down, up } from "../src/migrations/0014-outbox-pending-estimate.ts";
import { openTestDatabase } from "../src/testing.ts";
import { pendingScan } from "./outbox-pending-scan.ts";

/** A scan of one of the pending partial indexes (idx_outbox_pending, idx_outbox_pending_partition). */
const pendingIndex = /(Index Scan using|Index Only Scan using|Bitmap Index Scan on) idx_outbox_pending/;

test("an ANALYZE taken during a backlog does not turn the outbox's pending scan into a scan of the whole outbox", async (t) => {
  const handle = await openTestDatabase();
  t.after(() => handle.close());
  const { db } = handle;
  const user = await db
    .insertInto("users")
    .values({ name: "Q", email: "q@example.com", email_verified: false, image: null })
    .returning("id")
    .executeTakeFirstOrThrow();
  // A burst: 9,000 events, all published, then a backlog of a third of them, as the relay
  // draining a create burst or recovering from a broker outage leaves it.
  await sql`
    INSERT INTO outbox (event_id, topic, event_type, partition_key, payload, published_at)
    SELECT gen_random_uuid(), 'task-events', 'task.created', ${user.id}::text || '/' || (i % 50), '{}'::jsonb, now()
    FROM generate_series(1, 9000) AS i`.execute(db);
  await sql`UPDATE outbox SET published_at = NULL WHERE id % 3 = 0`.execute(db);
  const planAfterBacklogAnalyze = async () => {
    await sql`ANALYZE outbox`.execute(db);
    return (await pendingScan.execute(db)).rows.map((r) => r["QUERY PLAN"]).join("\n");
  };

  const plan = await planAfterBacklogAnalyze();
  assert.match(plan, pendingIndex, plan);
  assert.doesNotMatch(plan, /Seq Scan on outbox/, plan);
  const publishedAtStats = async () =>
    (
      await sql`SELECT null_frac FROM pg_stats WHERE tablename = 'outbox' AND attname = 'published_at'`.execute(
        db,
      )
    ).rows;
  assert.deepEqual(await publishedAtStats(), [], "ANALYZE collects no statistics for outbox.published_at");

  // The kind of plan the migration rules out: with statistics, the same ANALYZE picks a sequential
  // scan; the migration then drops the statistics that ANALYZE collected.
  await down(db as Kysely<unknown>);
  assert.match(await planAfterBacklogAnalyze(), /Seq Scan on outbox/);
  await up(db as Kysely<unknown>);
  assert.deepEqual(
    await publishedAtStats(),
    [],
    "the migration drops the statistics an earlier ANALYZE collected",
  );
  assert.match(await planAfterBacklogAnalyze(), pendingIndex);
});
