import type { Kysely } from "kysely";
import { runStatements } from "../run-statements.ts";

// What the scheduler needs to stay cheap when idle: each task keeps the time of its next reminder
// (a partial index makes "what is due now" a short index scan), and reminders already sent are
// recorded per task, offset and due date, so each fires once and a new due date re-arms them.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    ALTER TABLE tasks ADD COLUMN next_reminder_at timestamptz;
    CREATE INDEX idx_tasks_next_reminder ON tasks(next_reminder_at) WHERE next_reminder_at IS NOT NULL;
    CREATE TABLE task_reminders (
      task_id integer NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
      offset_minutes integer NOT NULL,
      due_date timestamptz NOT NULL,
      sent_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (task_id, offset_minutes, due_date)
    );
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `DROP TABLE task_reminders;
     DROP INDEX idx_tasks_next_reminder;
     ALTER TABLE tasks DROP COLUMN next_reminder_at`,
  );
}
