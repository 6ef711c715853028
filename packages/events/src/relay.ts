import type { DomainEvent } from "@todo/contracts";
import type { DatabaseHandle } from "@todo/db";
import { Counter, Gauge, type Log, type Registry } from "@todo/server";
import { sql } from "kysely";
import { jitteredBackoffMs } from "./backoff.ts";
import { toCloudEvent } from "./cloud-event.ts";
import type { EventTransport } from "./transport.ts";
import { type NextRound, WakeableLoop } from "./wakeable-loop.ts";

export interface RelayOptions {
  database: DatabaseHandle;
  transport: EventTransport;
  log: Log;
  /** Where the relay's metrics go (events_published_total, outbox gauges); tests pass their own. */
  registry: Registry;
  batchSize?: number;
  /** The safety-net poll, for a notification that never came. */
  pollIntervalMs?: number;
  /**
   * Sleeps after failed publishes, in ms: full jitter, doubling from initialMs up to maxMs. The cap
   * bounds how long events wait after the broker is back (a backoff sleep is not cut short by new
   * rows), so it stays a few seconds; Dapr's circuit breaker already spares a broker that is down.
   */
  backoff?: { initialMs: number; maxMs: number };
  /** How long published rows are kept (the live stream resumes from them). */
  retentionMs?: number;
  pruneIntervalMs?: number;
}

// Namespace of the per-user advisory locks, so they cannot collide with other advisory locks.
const RELAY_LOCK_NAMESPACE = 7_401;

interface ClaimedRow {
  id: number;
  topic: string;
  partition_key: string;
  payload: DomainEvent;
}

/**
 * Publishes outbox rows. Woken by NOTIFY after each commit, it claims pending rows in id order;
 * a per-user advisory lock keeps any number of relays from publishing one user's events out of
 * order, and SKIP LOCKED keeps them from waiting on each other. A failing transport stops the
 * batch at the first failure (later events of that user must not overtake it) and backs off.
 */
export class OutboxRelay {
  private readonly opts: Required<RelayOptions>;
  private readonly loop: WakeableLoop;
  private pruneTimer: NodeJS.Timeout | undefined;
  private failuresInARow = 0;
  private readonly published: Counter<"topic">;
  private readonly failures: Counter;

  constructor(options: RelayOptions) {
    this.opts = {
      batchSize: 100,
      pollIntervalMs: 1_000,
      backoff: { initialMs: 100, maxMs: 5_000 },
      retentionMs: 7 * 24 * 3_600_000,
      pruneIntervalMs: 10 * 60_000,
      ...options,
    };
    const registers = [options.registry];
    this.published = new Counter({
      name: "events_published_total",
      help: "Events the outbox relay handed to the transport",
      labelNames: ["topic"],
      registers,
    });
    this.failures = new Counter({
      name: "outbox_publish_failures_total",
      help: "Failed publish attempts",
      registers,
    });
    registerOutboxGauges(options.registry, options.database);
    this.loop = new WakeableLoop(options.database, "outbox_events", () => this.round());
  }

  async start(): Promise<void> {
    if (this.loop.isRunning) return;
    await this.loop.start();
    this.pruneTimer = setInterval(() => {
      this.prune().catch((error) => this.opts.log.error({ err: error }, "outbox prune failed"));
    }, this.opts.pruneIntervalMs);
    this.pruneTimer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.pruneTimer);
    await this.loop.stop();
  }

  requestWake(): void {
    this.loop.requestWake();
  }

  /** Publishes one batch; answers how many went out and whether the transport failed. */
  async publishBatch(): Promise<{ published: number; failed: boolean }> {
    const { db } = this.opts.database;
    return db.transaction().execute(async (tx) => {
      const claimed = await sql<ClaimedRow>`
        SELECT id, topic, partition_key, payload FROM outbox
        WHERE published_at IS NULL
          AND pg_try_advisory_xact_lock(${RELAY_LOCK_NAMESPACE}, hashtext(partition_key))
        ORDER BY id
        LIMIT ${this.opts.batchSize}
        FOR UPDATE SKIP LOCKED`.execute(tx);
      const done: number[] = [];
      let failed = false;
      for (const row of claimed.rows) {
        try {
          await this.opts.transport.publish({
            topic: row.topic,
            partitionKey: row.partition_key,
            event: toCloudEvent(row.payload),
          });
          done.push(Number(row.id));
          this.published.inc({ topic: row.topic });
        } catch (error) {
          failed = true;
          this.failures.inc();
          await tx
            .updateTable("outbox")
            .set((eb) => ({
              attempts: eb("attempts", "+", 1),
              last_error: String((error as Error).message).slice(0, 1000),
            }))
            .where("id", "=", Number(row.id))
            .execute();
          if (this.failuresInARow === 0) {
            this.opts.log.warn(
              { err: error, transport: this.opts.transport.name },
              "publishing failed; events wait in the outbox",
            );
          }
          break;
        }
      }
      if (done.length > 0) {
        await tx
          .updateTable("outbox")
          .set((eb) => ({ published_at: sql`now()`, attempts: eb("attempts", "+", 1), last_error: null }))
          .where("id", "=", sql<number>`any(${done})`)
          .execute();
      }
      return { published: done.length, failed };
    });
  }

  /** Publishes until nothing is pending (or the transport fails); for tests and shutdown. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const { published, failed } = await this.publishBatch();
      total += published;
      if (failed || published === 0) return total;
    }
  }

  async prune(): Promise<void> {
    const cutoff = new Date(Date.now() - this.opts.retentionMs);
    await this.opts.database.db.deleteFrom("outbox").where("published_at", "<", cutoff).execute();
    await this.opts.database.db
      .deleteFrom("processed_events")
      .where("processed_at", "<", new Date(Date.now() - 4 * this.opts.retentionMs))
      .execute();
  }

  private async round(): Promise<NextRound> {
    let delay: number;
    try {
      const { published, failed } = await this.publishBatch();
      if (failed) {
        delay = this.nextBackoff();
      } else {
        if (this.failuresInARow > 0) this.opts.log.info({}, "publishing recovered");
        this.failuresInARow = 0;
        if (published === this.opts.batchSize) return "again";
        delay = this.opts.pollIntervalMs;
      }
    } catch (error) {
      this.opts.log.error({ err: error }, "outbox relay error");
      delay = this.nextBackoff();
    }
    // While backing off, new commits must not cut the wait short; stop() still does.
    return { sleepMs: delay, wakeable: this.failuresInARow === 0 };
  }

  private nextBackoff(): number {
    this.failuresInARow += 1;
    // Jittered: relays recovering together do not hammer the broker in step.
    return jitteredBackoffMs(this.failuresInARow, this.opts.backoff.initialMs, this.opts.backoff.maxMs);
  }
}

function registerOutboxGauges(registry: Registry, database: DatabaseHandle): void {
  let last: Promise<{ pending: number; age: number }> | undefined;
  const read = () => {
    last ??= sql<{ pending: number; age: number | null }>`
      SELECT count(*)::int AS pending,
             coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 AS age
      FROM outbox WHERE published_at IS NULL`
      .execute(database.db)
      .then((r) => ({ pending: r.rows[0]?.pending ?? 0, age: Number(r.rows[0]?.age ?? 0) }))
      .finally(() => setTimeout(() => (last = undefined), 100));
    return last;
  };
  new Gauge({
    name: "outbox_pending_events",
    help: "Outbox rows not yet published",
    registers: [registry],
    async collect() {
      this.set((await read()).pending);
    },
  });
  new Gauge({
    name: "outbox_oldest_pending_age_seconds",
    help: "Age of the oldest unpublished outbox row",
    registers: [registry],
    async collect() {
      this.set((await read()).age);
    },
  });
}
