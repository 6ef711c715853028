import type { DomainEvent } from "@todo/contracts";
import type { DatabaseHandle } from "@todo/db";
import { sql } from "kysely";

/** A position in the outbox: the writing transaction's id, then the row id. */
export interface FeedCursor {
  xid: bigint;
  id: number;
}

export interface FeedEvent {
  cursor: FeedCursor;
  payload: DomainEvent;
}

export function formatCursor(cursor: FeedCursor): string {
  return `${cursor.xid}-${cursor.id}`;
}

export function parseCursor(value: string | undefined): FeedCursor | null {
  const match = value?.match(/^(\d{1,20})-(\d{1,19})$/);
  return match ? { xid: BigInt(match[1]!), id: Number(match[2]) } : null;
}

function after(a: FeedCursor, b: FeedCursor): boolean {
  return a.xid > b.xid || (a.xid === b.xid && a.id > b.id);
}

interface Subscriber {
  userId: string;
  cursor: FeedCursor;
  deliver: (events: FeedEvent[]) => void;
}

/**
 * Follows the outbox for the users with an open live stream, in every mode and on every replica,
 * straight from the database. It reads only rows of transactions older than the oldest one still
 * running, in (xid, id) order, so a late commit can never land behind a reader's cursor: resuming
 * from Last-Event-ID has no gaps.
 */
export class OutboxFeed {
  private readonly subscribers = new Set<Subscriber>();
  private unlisten: (() => Promise<void>) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private reading: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly database: DatabaseHandle,
    private readonly options: { pollIntervalMs?: number; onError?: (error: unknown) => void } = {},
  ) {}

  async start(): Promise<void> {
    this.unlisten = await this.database.listen("outbox_events", () => this.poke());
    // Commits of transactions that were still open at the last read only become readable later.
    this.timer = setInterval(() => {
      if (this.subscribers.size > 0) this.poke();
    }, this.options.pollIntervalMs ?? 250);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.unlisten?.();
    await this.reading;
  }

  /** The cursor for a new stream with no Last-Event-ID: everything not yet readable. */
  async head(): Promise<FeedCursor> {
    const { rows } = await sql<{ xmin: string }>`
      SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin`.execute(this.database.db);
    return { xid: BigInt(rows[0]!.xmin) - 1n, id: Number.MAX_SAFE_INTEGER };
  }

  /**
   * Whether a stream can resume after `cursor` for this user: the event it names is still in the
   * outbox (not pruned past retention) and is this user's. A cursor from another database, ahead of
   * the feed, or of another user names no such row.
   */
  async canResume(userId: string, cursor: FeedCursor): Promise<boolean> {
    if (!Number.isSafeInteger(cursor.id) || cursor.xid >= 2n ** 63n) return false;
    const { rows } = await sql<{ found: number }>`
      SELECT 1 AS found FROM outbox
      WHERE id = ${cursor.id} AND xid = ${cursor.xid.toString()}::xid8 AND partition_key = ${userId}`.execute(
      this.database.db,
    );
    return rows.length > 0;
  }

  subscribe(userId: string, cursor: FeedCursor, deliver: (events: FeedEvent[]) => void): () => void {
    const subscriber = { userId, cursor, deliver };
    this.subscribers.add(subscriber);
    this.poke();
    return () => this.subscribers.delete(subscriber);
  }

  private poke(): void {
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = this.readNew()
      .catch((error) => this.options.onError?.(error))
      .finally(() => {
        this.reading = undefined;
        if (this.again) {
          this.again = false;
          this.poke();
        }
      });
  }

  private async readNew(): Promise<void> {
    if (this.subscribers.size === 0) return;
    const users = [...new Set([...this.subscribers].map((s) => s.userId))];
    const from = [...this.subscribers].reduce(
      (min, s) => (s.cursor.xid < min ? s.cursor.xid : min),
      2n ** 63n,
    );
    const { rows } = await sql<{ id: number; xid: string; partition_key: string; payload: DomainEvent }>`
      SELECT id, xid::text AS xid, partition_key, payload FROM outbox
      WHERE partition_key = ANY(${users})
        AND xid >= ${from.toString()}::xid8
        AND xid < pg_snapshot_xmin(pg_current_snapshot())
      ORDER BY xid, id
      LIMIT 2000`.execute(this.database.db);
    if (rows.length === 0) return;
    const events = rows.map((r) => ({
      userId: r.partition_key,
      event: { cursor: { xid: BigInt(r.xid), id: Number(r.id) }, payload: r.payload },
    }));
    for (const subscriber of this.subscribers) {
      const fresh = events
        .filter((e) => e.userId === subscriber.userId && after(e.event.cursor, subscriber.cursor))
        .map((e) => e.event);
      if (fresh.length === 0) continue;
      subscriber.cursor = fresh[fresh.length - 1]!.cursor;
      subscriber.deliver(fresh);
    }
    if (rows.length === 2000) this.again = true;
  }
}
