// Reads the soak database once, in one REPEATABLE READ transaction (every table as of one moment),
// into the shape the invariants take. Times become milliseconds since the epoch.
import pg from "pg";
import type { Snapshot } from "./invariants.ts";

const ms = (d: Date | null) => (d === null ? null : d.getTime());

export async function readSnapshot(databaseUrl: string): Promise<Snapshot> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    const q = async <T>(text: string) => (await client.query(text)).rows as T[];
    const now = (await q<{ now: Date }>("SELECT now() AS now"))[0]!.now.getTime();
    const tasks = await q<Snapshot["tasks"][number] & { occurrence_at: Date | null }>(
      `SELECT t.id, t.user_id, t.title, t.completed, t.version, t.recurring_task_id, t.occurrence_at,
              coalesce(array_agg(tt.tag_id ORDER BY tt.tag_id) FILTER (WHERE tt.tag_id IS NOT NULL), '{}') AS tag_ids
         FROM tasks t LEFT JOIN task_tags tt ON tt.task_id = t.id GROUP BY t.id`,
    );
    const events = await q<{
      event_id: string;
      topic: string;
      event_type: string;
      payload: { task_id?: number | null; user_id: string; sequence: number };
      created_at: Date;
      published_at: Date | null;
    }>("SELECT event_id, topic, event_type, payload, created_at, published_at FROM outbox ORDER BY id");
    const processed = await q<{ consumer: string; event_id: string; processed_at: Date }>(
      "SELECT consumer, event_id, processed_at FROM processed_events",
    );
    const templates = await q<{
      id: number;
      cron_expression: string | null;
      max_occurrences: number | null;
      anchor_at: Date;
      created_at: Date;
      occurrences_created: number;
    }>(
      "SELECT id, cron_expression, max_occurrences, anchor_at, created_at, occurrences_created FROM recurring_tasks",
    );
    const deliveries = await q<Snapshot["deliveries"][number] & { next_attempt_at: Date | null }>(
      "SELECT id, event_id, channel, destination, status, next_attempt_at FROM notification_deliveries",
    );
    const webhooks = await q<{ id: number; user_id: string; url: string; created_at: Date }>(
      "SELECT id, user_id, url, created_at FROM webhooks",
    );
    const snapshot: Snapshot = {
      now,
      tasks: tasks.map((t) => ({ ...t, occurrence_at: ms(t.occurrence_at) })),
      events: events.map((e) => ({
        event_id: e.event_id,
        topic: e.topic,
        event_type: e.event_type,
        task_id: (e.payload.task_id as number | null | undefined) ?? null,
        user_id: e.payload.user_id,
        sequence: e.payload.sequence,
        created_at: e.created_at.getTime(),
        published_at: ms(e.published_at),
      })),
      processed: processed.map((p) => ({ ...p, processed_at: p.processed_at.getTime() })),
      notifications: await q("SELECT id, event_id, task_id FROM notifications"),
      activity: await q("SELECT id, event_id, task_id FROM task_activity"),
      deliveries: deliveries.map((d) => ({ ...d, next_attempt_at: ms(d.next_attempt_at) })),
      templates: templates.map((t) => ({
        ...t,
        anchor_at: t.anchor_at.getTime(),
        created_at: t.created_at.getTime(),
      })),
      webhooks: webhooks.map((w) => ({ ...w, created_at: w.created_at.getTime() })),
      deadLetters: await q("SELECT consumer, event_id, reason FROM dead_letters"),
    };
    await client.query("COMMIT");
    return snapshot;
  } finally {
    await client.end();
  }
}
