import type { Kysely } from "kysely";
import { runStatements } from "../run-statements.ts";

// The activity log (audit-service): one row per task event, unique per event_id so a redelivered
// event writes nothing twice. No foreign key to tasks: a deleted task's history stays readable.
// Rows go with their user (on delete cascade). Indexes serve the two lists: a user's activity
// newest first, and one task's story oldest first; occurred_at alone serves the retention prune.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    CREATE TABLE task_activity (
      id serial PRIMARY KEY,
      event_id uuid NOT NULL UNIQUE,
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      event_type text NOT NULL,
      task_id integer,
      task_title text,
      actor text NOT NULL,
      actor_user_id uuid,
      occurred_at timestamptz NOT NULL,
      changes jsonb NOT NULL DEFAULT '[]'::jsonb,
      template_id integer,
      template_title text,
      recorded_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX task_activity_user_idx ON task_activity (user_id, occurred_at, id);
    CREATE INDEX task_activity_task_idx ON task_activity (user_id, task_id, occurred_at, id);
    CREATE INDEX task_activity_occurred_idx ON task_activity (occurred_at);
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `DROP TABLE task_activity;`);
}
