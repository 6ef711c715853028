import type { Kysely } from "kysely";
import { runStatements } from "../run-statements.ts";

// The seed's Phase 1 schema, with timestamptz instead of timestamp and the columns the
// recurrence engine needs (time zone, interval, weekdays, end, catch-up policy).
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    CREATE EXTENSION IF NOT EXISTS pg_trgm;

    CREATE TABLE priorities (
      id serial PRIMARY KEY,
      name varchar(50) NOT NULL UNIQUE,
      level integer NOT NULL UNIQUE,
      color varchar(7) NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    INSERT INTO priorities (name, level, color) VALUES
      ('Low', 1, '#6B7280'),
      ('Medium', 2, '#3B82F6'),
      ('High', 3, '#F59E0B'),
      ('Critical', 4, '#EF4444');

    CREATE TABLE tags (
      id serial PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      name varchar(50) NOT NULL,
      color varchar(7) NOT NULL DEFAULT '#6B7280',
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (user_id, name)
    );
    CREATE INDEX idx_tags_user_id ON tags(user_id);

    CREATE TABLE recurring_tasks (
      id serial PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      template_title varchar(200) NOT NULL,
      template_description text,
      recurrence_pattern varchar(50) NOT NULL
        CHECK (recurrence_pattern IN ('daily', 'weekly', 'monthly', 'yearly', 'custom')),
      cron_expression varchar(100),
      interval integer NOT NULL DEFAULT 1 CHECK (interval >= 1),
      weekdays smallint[],
      timezone text NOT NULL DEFAULT 'UTC',
      anchor_at timestamptz NOT NULL,
      next_occurrence timestamptz NOT NULL,
      ends_at timestamptz,
      max_occurrences integer CHECK (max_occurrences >= 1),
      occurrences_created integer NOT NULL DEFAULT 0,
      catch_up varchar(10) NOT NULL DEFAULT 'latest' CHECK (catch_up IN ('latest', 'all')),
      priority_id integer NOT NULL DEFAULT 2 REFERENCES priorities(id),
      is_active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX idx_recurring_tasks_user_id ON recurring_tasks(user_id);
    CREATE INDEX idx_recurring_tasks_next_occurrence ON recurring_tasks(next_occurrence) WHERE is_active = true;

    CREATE TABLE tasks (
      id serial PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      title varchar(200) NOT NULL,
      description text,
      completed boolean NOT NULL DEFAULT false,
      completed_at timestamptz,
      due_date timestamptz,
      priority_id integer NOT NULL DEFAULT 2 REFERENCES priorities(id),
      recurring_task_id integer REFERENCES recurring_tasks(id) ON DELETE SET NULL,
      occurrence_at timestamptz,
      reminder_offsets_minutes integer[],
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX idx_tasks_priority_id ON tasks(priority_id);
    CREATE INDEX idx_tasks_recurring_task_id ON tasks(recurring_task_id) WHERE recurring_task_id IS NOT NULL;
    -- One instance per template and occurrence, whatever the number of scheduler replicas.
    CREATE UNIQUE INDEX uq_tasks_recurring_occurrence ON tasks(recurring_task_id, occurrence_at)
      WHERE recurring_task_id IS NOT NULL;
    -- The list endpoint always filters by user; these serve its sorts.
    CREATE INDEX idx_tasks_user_created ON tasks(user_id, created_at DESC, id DESC);
    CREATE INDEX idx_tasks_user_due ON tasks(user_id, due_date, id);
    CREATE INDEX idx_tasks_user_completed_created ON tasks(user_id, completed, created_at DESC, id DESC);
    CREATE INDEX idx_tasks_search ON tasks
      USING gin ((title || ' ' || coalesce(description, '')) gin_trgm_ops);

    CREATE TABLE task_tags (
      task_id integer NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
      tag_id integer NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (task_id, tag_id)
    );
    CREATE INDEX idx_task_tags_task_id ON task_tags(task_id);
    CREATE INDEX idx_task_tags_tag_id ON task_tags(tag_id);
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `DROP TABLE task_tags, tasks, recurring_tasks, tags, priorities`);
}
