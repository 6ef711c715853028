import { sql } from "kysely";

/**
 * The relay's claim groups the pending rows by user (outbox_claim, migration 0013; see
 * packages/events/src/relay.ts): this is that first step's scan, as EXPLAIN. Read through a
 * pending partial index, its cost follows the backlog; as a sequential scan it follows the whole
 * outbox, published rows included.
 */
export const pendingScan = sql<{ "QUERY PLAN": string }>`EXPLAIN
  SELECT partition_key, min(id) AS first FROM outbox
  WHERE published_at IS NULL
  GROUP BY partition_key
  HAVING bool_and(leased_until IS NULL OR leased_until < now())`;
