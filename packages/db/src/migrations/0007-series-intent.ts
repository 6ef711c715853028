import type { Kysely } from "kysely";
import { runStatements } from "../run-statements.ts";

// What a recurring series needs to keep its user's intent across edits and pauses:
// - repeat_from: 'schedule' (instances at the rule's times) or 'completion' (the next instance is
//   made when the current one is completed, at completion + interval);
// - reminder_offsets_minutes / lead_time_minutes: inherited by each instance, which is created
//   lead_time_minutes before it is due so its reminders can fire;
// - count_before_anchor: instances made under earlier rules, so an "end after N" series keeps its
//   count when a timing change gives it a new anchor (the engine counts from the anchor).
// And each user's time zone (IANA name; null reads as UTC), for the texts people read.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    ALTER TABLE recurring_tasks
      ADD COLUMN repeat_from text NOT NULL DEFAULT 'schedule' CHECK (repeat_from IN ('schedule', 'completion')),
      ADD COLUMN reminder_offsets_minutes integer[],
      ADD COLUMN lead_time_minutes integer NOT NULL DEFAULT 0 CHECK (lead_time_minutes BETWEEN 0 AND 10080),
      ADD COLUMN count_before_anchor integer NOT NULL DEFAULT 0;
    ALTER TABLE users ADD COLUMN timezone text;
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `ALTER TABLE users DROP COLUMN timezone;
     ALTER TABLE recurring_tasks
       DROP COLUMN repeat_from,
       DROP COLUMN reminder_offsets_minutes,
       DROP COLUMN lead_time_minutes,
       DROP COLUMN count_before_anchor`,
  );
}
