import type { Kysely } from "kysely";
import { runStatements } from "../run-statements.ts";

// The transactional outbox and the consumers' record of what they have processed.
// `xid` lets readers follow the outbox in commit-safe order: rows of transactions older than the
// oldest running one can no longer appear behind the reader's position.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    CREATE TABLE outbox (
      id bigserial PRIMARY KEY,
      xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
      event_id uuid NOT NULL UNIQUE,
      topic text NOT NULL,
      event_type text NOT NULL,
      partition_key text NOT NULL,
      payload jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      published_at timestamptz,
      attempts integer NOT NULL DEFAULT 0,
      last_error text
    );
    CREATE INDEX idx_outbox_pending ON outbox(id) WHERE published_at IS NULL;
    CREATE INDEX idx_outbox_published_at ON outbox(published_at) WHERE published_at IS NOT NULL;
    CREATE INDEX idx_outbox_partition_xid ON outbox(partition_key, xid, id);

    CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('outbox_events', '');
      RETURN NULL;
    END $$;
    CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();

    CREATE TABLE processed_events (
      consumer text NOT NULL,
      event_id uuid NOT NULL,
      processed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (consumer, event_id)
    );
    CREATE INDEX idx_processed_events_at ON processed_events(processed_at);

    CREATE TABLE dead_letters (
      id bigserial PRIMARY KEY,
      consumer text NOT NULL,
      event_id uuid,
      topic text NOT NULL,
      payload jsonb NOT NULL,
      reason text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `DROP TABLE dead_letters, processed_events, outbox;
     DROP FUNCTION outbox_notify()`,
  );
}
