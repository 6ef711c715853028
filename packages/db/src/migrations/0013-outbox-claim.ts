import type { Kysely } from "kysely";
import { runStatements } from "../run-statements.ts";

// The relay's claim as one statement (one round trip instead of BEGIN, two statements, COMMIT):
// lease up to `batch` pending rows, in id order, of users none of whose pending rows is leased
// by another relay. The per-user advisory lock (namespace 7401) keeps two relays from claiming
// one user's rows at once. A VOLATILE function takes a new snapshot for each statement, so the
// UPDATE, run once the locks are held, sees every claim committed before them, as the second
// statement of the former transaction did; the locks are released when the calling statement's
// transaction ends. Columns are qualified: the result's column names are variables inside.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    CREATE FUNCTION outbox_claim(p_owner text, p_lease interval, p_batch integer)
    RETURNS TABLE (id bigint, topic text, partition_key text, payload jsonb)
    LANGUAGE plpgsql VOLATILE AS $$
    DECLARE
      keys text[];
    BEGIN
      SELECT array_agg(c.partition_key) INTO keys FROM (
        SELECT o.partition_key, min(o.id) AS first FROM outbox o
        WHERE o.published_at IS NULL
        GROUP BY o.partition_key
        HAVING bool_and(o.leased_until IS NULL OR o.leased_until < now())
        ORDER BY first
        LIMIT p_batch
      ) c
      WHERE pg_try_advisory_xact_lock(7401, hashtext(c.partition_key));
      IF keys IS NULL THEN
        RETURN;
      END IF;
      RETURN QUERY
        UPDATE outbox o SET lease_owner = p_owner, leased_until = now() + p_lease
        WHERE o.published_at IS NULL AND o.id IN (
          SELECT p.id FROM outbox p
          WHERE p.published_at IS NULL AND p.partition_key = any(keys)
            AND p.partition_key NOT IN (
              SELECT l.partition_key FROM outbox l
              WHERE l.published_at IS NULL AND l.partition_key = any(keys) AND l.leased_until >= now())
          ORDER BY p.id
          LIMIT p_batch)
        RETURNING o.id, o.topic, o.partition_key, o.payload;
    END $$;
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, "DROP FUNCTION outbox_claim(text, interval, integer)");
}
