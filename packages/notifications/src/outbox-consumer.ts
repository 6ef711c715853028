import type { DatabaseHandle } from "@todo/db";
import { type ConsumeResult, jitteredBackoffMs, type NextRound, WakeableLoop } from "@todo/events";
import type { Log } from "@todo/server";
import { sql } from "kysely";

export interface OutboxConsumerOptions {
  database: DatabaseHandle;
  /** The processed_events consumer name its handler marks events with. */
  consumer: string;
  topics: string[];
  handle: (payload: unknown) => Promise<ConsumeResult>;
  log: Log;
  /** RETRY answers for one event before it goes to the dead letters. */
  maxAttempts?: number;
  backoff?: { initialMs: number; maxMs: number };
  pollIntervalMs?: number;
  batchSize?: number;
  /** Older events are not caught up on (a first start must not replay a week of reminders). */
  maxAgeMs?: number;
}

interface Row {
  id: number;
  event_id: string;
  topic: string;
  payload: unknown;
}

/**
 * The embedded mode's subscription: reads the outbox straight from the database and hands every
 * event of its topics that the consumer has not processed yet to the handler, in id order.
 *
 * Why not the in-process bus: the relay calls the bus inside its open transaction, and PGlite has
 * a single connection, so a subscriber that writes to the database waits for that transaction
 * forever. Reading the outbox needs no second connection and is as durable as the bus: progress
 * is the processed_events marks, written with the effects. Same answers as the bus: SUCCESS,
 * RETRY (with backoff, then dead letters) and DROP (dead letters).
 */
export class OutboxConsumer {
  private readonly opts: Required<OutboxConsumerOptions>;
  private readonly attempts = new Map<string, { count: number; notBefore: number }>();
  private readonly loop: WakeableLoop;
  private failuresInARow = 0;

  constructor(options: OutboxConsumerOptions) {
    this.opts = {
      maxAttempts: 8,
      backoff: { initialMs: 100, maxMs: 30_000 },
      pollIntervalMs: 1_000,
      batchSize: 100,
      maxAgeMs: 24 * 3_600_000,
      ...options,
    };
    this.loop = new WakeableLoop(options.database, "outbox_events", () => this.round());
  }

  async start(): Promise<void> {
    await this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
  }

  requestWake(): void {
    this.loop.requestWake();
  }

  /** Handles what is pending now; answers how many events were handed to the handler. */
  async runOnce(): Promise<number> {
    const { rows } = await sql<Row>`
      SELECT o.id, o.event_id, o.topic, o.payload FROM outbox o
      WHERE o.topic IN (${sql.join(this.opts.topics)})
        AND o.created_at > now() - ${this.opts.maxAgeMs} * interval '1 millisecond'
        AND NOT EXISTS (
          SELECT 1 FROM processed_events p WHERE p.consumer = ${this.opts.consumer} AND p.event_id = o.event_id)
      ORDER BY o.id
      LIMIT ${this.opts.batchSize}`.execute(this.opts.database.db);
    let handled = 0;
    for (const row of rows) {
      const waiting = this.attempts.get(row.event_id);
      if (waiting && waiting.notBefore > Date.now()) continue;
      handled += 1;
      let result: ConsumeResult;
      try {
        result = await this.opts.handle(row.payload);
      } catch (error) {
        result = { outcome: "RETRY", note: (error as Error).message };
      }
      if (result.outcome === "SUCCESS") {
        this.attempts.delete(row.event_id);
        // Events the handler ignores (unknown types) leave no mark of their own.
        if (result.note && result.note !== "duplicate") await this.markProcessed(row);
      } else if (result.outcome === "DROP") {
        this.attempts.delete(row.event_id);
        await this.deadLetter(row, result.note ?? "dropped");
      } else {
        const count = (waiting?.count ?? 0) + 1;
        if (count >= this.opts.maxAttempts) {
          this.attempts.delete(row.event_id);
          await this.deadLetter(row, `gave up after ${count} attempts: ${result.note ?? "retry"}`);
        } else {
          const { initialMs, maxMs } = this.opts.backoff;
          this.attempts.set(row.event_id, {
            count,
            notBefore: Date.now() + jitteredBackoffMs(count, initialMs, maxMs),
          });
        }
      }
    }
    return handled;
  }

  private async markProcessed(row: Row): Promise<void> {
    await this.opts.database.db
      .insertInto("processed_events")
      .values({ consumer: this.opts.consumer, event_id: row.event_id })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }

  private async deadLetter(row: Row, reason: string): Promise<void> {
    this.opts.log.error(
      { consumer: this.opts.consumer, event_id: row.event_id, reason },
      "event dead-lettered",
    );
    await this.opts.database.db.transaction().execute(async (tx) => {
      await tx
        .insertInto("dead_letters")
        .values({
          consumer: this.opts.consumer,
          event_id: row.event_id,
          topic: row.topic,
          payload: JSON.stringify(row.payload),
          reason,
        })
        .execute();
      await tx
        .insertInto("processed_events")
        .values({ consumer: this.opts.consumer, event_id: row.event_id })
        .onConflict((oc) => oc.doNothing())
        .execute();
    });
  }

  private async round(): Promise<NextRound> {
    let delay = this.opts.pollIntervalMs;
    try {
      const handled = await this.runOnce();
      this.failuresInARow = 0;
      if (handled === this.opts.batchSize) return "again";
      const next = Math.min(...[...this.attempts.values()].map((a) => a.notBefore));
      if (Number.isFinite(next)) delay = Math.max(0, Math.min(delay, next - Date.now()));
    } catch (error) {
      this.failuresInARow += 1;
      this.opts.log.error({ err: error, consumer: this.opts.consumer }, "outbox consumer error");
      delay = Math.min(
        this.opts.backoff.maxMs,
        this.opts.backoff.initialMs * 2 ** Math.min(this.failuresInARow, 10),
      );
    }
    return { sleepMs: delay };
  }
}
