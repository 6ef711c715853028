import { randomUUID } from "node:crypto";
import type { DomainEvent } from "@todo/contracts";
import type { DatabaseHandle, Executor } from "@todo/db";
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
  /**
   * How long a claim holds its rows, in ms. A relay stops publishing a batch at half of it; after
   * it, another relay takes the rows over (this one died mid-publish), so it must exceed the
   * transport's timeout by a wide margin.
   */
  leaseMs?: number;
  /** How long published rows are kept (the live stream resumes from them). */
  retentionMs?: number;
  pruneIntervalMs?: number;
}

interface ClaimedRow {
  id: number;
  topic: string;
  partition_key: string;
  payload: DomainEvent;
}

/**
 * Publishes outbox rows. Woken by NOTIFY after each commit, it leases pending rows in id order
 * (a short claim transaction), publishes them with no transaction open, then marks them
 * published. A user's rows are claimed only while none of them is leased by another relay, so
 * any number of relays keep each user's events in order; an expired lease is taken over. A
 * failing transport stops the batch at the first failure (later events must not overtake it),
 * gives the lease back and backs off.
 */
export class OutboxRelay {
  private readonly opts: Required<RelayOptions>;
  private readonly loop: WakeableLoop;
  private pruneTimer: NodeJS.Timeout | undefined;
  private failuresInARow = 0;
  /** This relay's name on the rows it leases. */
  private readonly owner = `relay-${randomUUID()}`;
  private readonly published: Counter<"topic">;
  private readonly failures: Counter;

  constructor(options: RelayOptions) {
    this.opts = {
      batchSize: 100,
      pollIntervalMs: 1_000,
      backoff: { initialMs: 100, maxMs: 5_000 },
      leaseMs: 60_000,
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

  /**
   * Publishes one batch; answers how many went out and whether the transport failed. The claim
   * (a lease on the rows) commits before anything is published, so no transaction stays open
   * while the transport works: an in-process subscriber can write to the same database.
   */
  async publishBatch(): Promise<{ published: number; failed: boolean }> {
    const { slices } = this.opts.database;
    await slices.pause();
    const claimed = await this.claim();
    if (claimed.length === 0) return { published: 0, failed: false };
    // Stop well before the lease runs out, so no other relay takes rows over while we publish.
    const stopAt = Date.now() + this.opts.leaseMs / 2;
    const done: number[] = [];
    let failure: { id: number; error: unknown } | undefined;
    const publishInOrder = async (rows: ClaimedRow[]) => {
      for (const row of rows) {
        if (failure || Date.now() > stopAt) return;
        // One event (and its subscriptions' transactions, in process) per unit: on PGlite requests
        // are served between events, not after the whole batch.
        await slices.pause();
        try {
          await this.opts.transport.publish({
            topic: row.topic,
            partitionKey: row.partition_key,
            event: toCloudEvent(row.payload),
          });
          done.push(Number(row.id));
          this.published.inc({ topic: row.topic });
        } catch (error) {
          if (failure) return;
          failure = { id: Number(row.id), error };
          this.failures.inc();
          if (this.failuresInARow === 0) {
            this.opts.log.warn(
              { err: error, transport: this.opts.transport.name },
              "publishing failed; events wait in the outbox",
            );
          }
          // Later events (of this user, and so of the batch) must not overtake the failed one.
          return;
        }
      }
    };
    // A burst (a reminder sweep, a backlog after an outage) is published by several users at once,
    // so the events committed after it wait for a fraction of its one-by-one publishing time.
    // One at a time, the batch goes out in id order (as the in-process bus on PGlite wants it).
    const concurrency = this.opts.transport.concurrency ?? 1;
    const queues = concurrency > 1 ? byPartitionKey(claimed) : [claimed];
    const lanes = Math.min(concurrency, queues.length);
    let next = 0;
    await Promise.all(
      Array.from({ length: lanes }, async () => {
        while (next < queues.length && !failure) await publishInOrder(queues[next++]!);
      }),
    );
    await slices.pause();
    await this.settle(
      claimed.map((row) => Number(row.id)),
      done,
      failure,
    );
    return { published: done.length, failed: failure !== undefined };
  }

  /**
   * Leases the next pending rows, in id order, of users none of whose pending rows is leased by
   * another relay (a lease past `leased_until` counts as free: its relay died). One statement, so
   * one round trip: the database's outbox_claim (migration 0013-outbox-claim) takes a per-user
   * advisory lock, held only while claiming, so two relays never claim one user's rows at once,
   * and leases the rows with a statement that runs after the locks are taken, so it sees every
   * committed claim.
   */
  private async claim(): Promise<ClaimedRow[]> {
    const { batchSize, leaseMs } = this.opts;
    const { rows } = await sql<ClaimedRow>`
      SELECT id, topic, partition_key, payload
      FROM outbox_claim(${this.owner}, ${leaseMs} * interval '1 millisecond', ${batchSize})`.execute(
      this.opts.database.db,
    );
    return rows.sort((a, b) => Number(a.id) - Number(b.id));
  }

  /**
   * Marks what went out as published, records the failure, and gives back the rest of the lease.
   * When the whole batch went out (the usual case) that is one statement, without a transaction
   * around it (one statement is atomic by itself): two round trips fewer per batch.
   */
  private async settle(
    claimed: number[],
    done: number[],
    failure: { id: number; error: unknown } | undefined,
  ): Promise<void> {
    const markPublished = (db: Executor) =>
      db
        .updateTable("outbox")
        .set((eb) => ({
          published_at: sql`now()`,
          attempts: eb("attempts", "+", 1),
          last_error: null,
          lease_owner: null,
          leased_until: null,
        }))
        .where("id", "=", sql<number>`any(${done})`)
        .execute();
    if (!failure && done.length === claimed.length) {
      await markPublished(this.opts.database.db);
      return;
    }
    await this.opts.database.db.transaction().execute(async (tx) => {
      if (done.length > 0) await markPublished(tx);
      if (failure) {
        await tx
          .updateTable("outbox")
          .set((eb) => ({
            attempts: eb("attempts", "+", 1),
            last_error: String((failure.error as Error)?.message ?? failure.error).slice(0, 1000),
          }))
          .where("id", "=", failure.id)
          .where("lease_owner", "=", this.owner)
          .execute();
      }
      const rest = claimed.filter((id) => !done.includes(id));
      if (rest.length > 0) {
        // Only our own lease: if it ran out and another relay took the rows, they are its now.
        await tx
          .updateTable("outbox")
          .set({ lease_owner: null, leased_until: null })
          .where("id", "=", sql<number>`any(${rest})`)
          .where("lease_owner", "=", this.owner)
          .where("published_at", "is", null)
          .execute();
      }
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

/** The rows of each partition key (user), in their order; the keys in the order of their first row. */
function byPartitionKey(rows: ClaimedRow[]): ClaimedRow[][] {
  const queues = new Map<string, ClaimedRow[]>();
  for (const row of rows) {
    const queue = queues.get(row.partition_key);
    if (queue) queue.push(row);
    else queues.set(row.partition_key, [row]);
  }
  return [...queues.values()];
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
