import type { Kysely } from "kysely";
import { runStatements } from "../run-statements.ts";

// The notification service's tables. Exactly-once effects under at-least-once delivery rest on
// unique keys: one in-app notification per event, one delivery per (event, channel, destination).
// notification_deliveries is also the durable work queue: workers claim due rows with SKIP LOCKED
// and are woken by NOTIFY after each commit that adds some.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    CREATE TABLE notification_preferences (
      user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
      preferences jsonb NOT NULL DEFAULT '{}',
      updated_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE notifications (
      id serial PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      event_id uuid NOT NULL UNIQUE,
      event_type text NOT NULL,
      task_id integer,
      title text NOT NULL,
      body text NOT NULL,
      read_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX idx_notifications_user ON notifications(user_id, id DESC);
    CREATE INDEX idx_notifications_unread ON notifications(user_id) WHERE read_at IS NULL;

    CREATE TABLE push_subscriptions (
      id serial PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      endpoint text NOT NULL,
      p256dh text NOT NULL,
      auth text NOT NULL,
      expiration_time timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (user_id, endpoint)
    );

    CREATE TABLE webhooks (
      id serial PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      url text NOT NULL,
      event_types text[] NOT NULL,
      description text,
      secret text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX idx_webhooks_user ON webhooks(user_id);

    CREATE TABLE notification_deliveries (
      id uuid PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      event_id uuid NOT NULL,
      event_type text NOT NULL,
      channel text NOT NULL CHECK (channel IN ('email', 'push', 'webhook')),
      destination text NOT NULL,
      payload jsonb NOT NULL,
      status text NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'delivered', 'failed', 'dead', 'skipped')),
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz,
      last_error text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (event_id, channel, destination)
    );
    CREATE INDEX idx_deliveries_due ON notification_deliveries(next_attempt_at)
      WHERE status IN ('pending', 'failed');
    CREATE INDEX idx_deliveries_user_event ON notification_deliveries(user_id, event_id);

    CREATE FUNCTION notification_deliveries_notify() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('notification_deliveries', '');
      RETURN NULL;
    END $$;
    CREATE TRIGGER notification_deliveries_notify AFTER INSERT ON notification_deliveries
      FOR EACH STATEMENT EXECUTE FUNCTION notification_deliveries_notify();
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `DROP TABLE notification_deliveries, webhooks, push_subscriptions, notifications, notification_preferences;
     DROP FUNCTION notification_deliveries_notify()`,
  );
}
