import type { Kysely } from "kysely";
import { runStatements } from "../run-statements.ts";

// What HTTP clients rely on: a version per editable row (ETag / If-Match), Idempotency-Key answers
// kept in the database (so any replica can replay them), tag names unique ignoring case, and search
// and title sorting over folded text (lower case, accents removed) with indexes that match.
//
// fold_text: unaccent with its dictionary named, so the function is IMMUTABLE and can feed a stored
// generated column and an index (unaccent(text) alone depends on search_path). Byte order of the
// folded text is the title collation: the same on PGlite and on any PostgreSQL server, whatever
// its locale.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    CREATE EXTENSION IF NOT EXISTS unaccent;
    CREATE FUNCTION fold_text(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
      AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$;

    ALTER TABLE tasks ADD COLUMN version integer NOT NULL DEFAULT 1;
    ALTER TABLE tags ADD COLUMN version integer NOT NULL DEFAULT 1;
    ALTER TABLE recurring_tasks ADD COLUMN version integer NOT NULL DEFAULT 1;
    ALTER TABLE webhooks ADD COLUMN version integer NOT NULL DEFAULT 1;

    ALTER TABLE tasks ADD COLUMN search_text text
      GENERATED ALWAYS AS (fold_text(title || ' ' || coalesce(description, ''))) STORED;
    ALTER TABLE tasks ADD COLUMN title_key text GENERATED ALWAYS AS (fold_text(title)) STORED;
    DROP INDEX idx_tasks_search;
    CREATE INDEX idx_tasks_search ON tasks USING gin (search_text gin_trgm_ops);
    CREATE INDEX idx_tasks_user_title ON tasks(user_id, title_key, id);

    -- Names already equal but for case keep their rows: the later ones get their id appended.
    ALTER TABLE tags ADD COLUMN name_key text;
    UPDATE tags SET name_key = lower(name);
    UPDATE tags SET name = left(name, 38) || ' (' || id || ')', name_key = lower(left(name, 38) || ' (' || id || ')')
      WHERE EXISTS (SELECT 1 FROM tags older WHERE older.user_id = tags.user_id
                    AND older.name_key = tags.name_key AND older.id < tags.id);
    ALTER TABLE tags ALTER COLUMN name_key SET NOT NULL;
    ALTER TABLE tags DROP CONSTRAINT tags_user_id_name_key;
    CREATE UNIQUE INDEX uq_tags_user_name_key ON tags(user_id, name_key);

    CREATE TABLE idempotency_keys (
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      key text NOT NULL,
      request_hash text NOT NULL,
      status integer,
      headers jsonb,
      body text,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (user_id, key)
    );
    CREATE INDEX idx_idempotency_keys_created ON idempotency_keys(created_at);

    CREATE INDEX idx_deliveries_user_event_created ON notification_deliveries(user_id, event_id, created_at, id);
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    DROP INDEX idx_deliveries_user_event_created;
    DROP TABLE idempotency_keys;
    DROP INDEX uq_tags_user_name_key;
    ALTER TABLE tags ADD CONSTRAINT tags_user_id_name_key UNIQUE (user_id, name);
    ALTER TABLE tags DROP COLUMN name_key;
    DROP INDEX idx_tasks_user_title;
    DROP INDEX idx_tasks_search;
    ALTER TABLE tasks DROP COLUMN title_key;
    ALTER TABLE tasks DROP COLUMN search_text;
    CREATE INDEX idx_tasks_search ON tasks
      USING gin ((title || ' ' || coalesce(description, '')) gin_trgm_ops);
    ALTER TABLE webhooks DROP COLUMN version;
    ALTER TABLE recurring_tasks DROP COLUMN version;
    ALTER TABLE tags DROP COLUMN version;
    ALTER TABLE tasks DROP COLUMN version;
    DROP FUNCTION fold_text(text);
  `,
  );
}
