import { randomUUID } from "node:crypto";
import type { DomainEvent } from "@todo/contracts";
import type { DatabaseHandle, Executor } from "@todo/db";
import { Counter, Gauge, type Log, type Registry } from "@todo/server";
import { sql } from "kysely";
import { jitteredBackoffMs } from "./backoff.ts";
import { toCloudEvent } from "./cloud-event.ts";
import { type EventTransport, TransportError } from "./transport.ts";
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
 * any number of relays keep each user's events in order; an expired lease is taken over. Where the
 * transport has a bulk publish (Dapr), a batch goes out in a few calls, one row per user in each;
 * else one publish per row. A user's failed event holds its later ones (they must not overtake
 * it); the relay gives the rest of the lease back and backs off.
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
      help: "Events whose publish failed, once per attempt",
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
    const outcome: BatchOutcome = { done: [], failures: [] };
    if (this.opts.transport.publishBulk) await this.publishInLayers(claimed, stopAt, outcome);
    else await this.publishOneByOne(claimed, stopAt, outcome);
    if (outcome.failures.length > 0) {
      this.failures.inc(outcome.failures.length);
      if (this.failuresInARow === 0) {
        this.opts.log.warn(
          {
            err: outcome.failures[0]!.error,
            failed: outcome.failures.length,
            transport: this.opts.transport.name,
          },
          "publishing failed; events wait in the outbox",
        );
      }
    }
    await slices.pause();
    await this.settle(
      claimed.map((row) => Number(row.id)),
      outcome,
    );
    return { published: outcome.done.length, failed: outcome.failures.length > 0 };
  }

  /**
   * One publish per event, in id order (as the in-process bus on PGlite wants it). The first
   * failure stops the batch: later events (of that user, and so of the batch) must not overtake it.
   */
  private async publishOneByOne(claimed: ClaimedRow[], stopAt: number, outcome: BatchOutcome): Promise<void> {
    for (const row of claimed) {
      if (Date.now() > stopAt) return;
      // One event (and its subscriptions' transactions, in process) per unit: on PGlite requests
      // are served between events, not after the whole batch.
      await this.opts.database.slices.pause();
      try {
        await this.opts.transport.publish({
          topic: row.topic,
          partitionKey: row.partition_key,
          event: toCloudEvent(row.payload),
        });
      } catch (error) {
        outcome.failures.push({ id: Number(row.id), error });
        return;
      }
      outcome.done.push(Number(row.id));
      this.published.inc({ topic: row.topic });
    }
  }

  /**
   * Bulk publishes in layers: the first pending row of each user in the batch, then the second of
   * each, and so on, each layer in one call of the transport (one per topic for Dapr), because a
   * bulk call keeps no order among its entries and a layer holds at most one row per user. A user
   * whose entry failed has its later rows held (they must not overtake it) while the other users
   * go on; a call that failed as a whole ends the batch.
   */
  private async publishInLayers(claimed: ClaimedRow[], stopAt: number, outcome: BatchOutcome): Promise<void> {
    const held = new Set<string>();
    for (const layer of layers(claimed)) {
      const rows = layer.filter((row) => !held.has(row.partition_key));
      if (rows.length === 0) continue;
      if (Date.now() > stopAt) return;
      await this.opts.database.slices.pause();
      let failed: Map<string, string>;
      try {
        const answer = await this.opts.transport.publishBulk!(
          rows.map((row) => ({
            entryId: String(row.id),
            topic: row.topic,
            partitionKey: row.partition_key,
            event: toCloudEvent(row.payload),
          })),
        );
        failed = new Map(answer.map((entry) => [entry.entryId, entry.error]));
        const sent = new Set(rows.map((row) => String(row.id)));
        // An answer that names an entry it was not given cannot be trusted to name the failed ones.
        for (const entryId of failed.keys()) {
          if (!sent.has(entryId))
            throw new TransportError(`bulk publish answer names unknown entry ${entryId}`);
        }
      } catch (error) {
        for (const row of rows) outcome.failures.push({ id: Number(row.id), error });
        return;
      }
      for (const row of rows) {
        const error = failed.get(String(row.id));
        if (error === undefined) {
          outcome.done.push(Number(row.id));
          this.published.inc({ topic: row.topic });
        } else {
          outcome.failures.push({ id: Number(row.id), error: new TransportError(error) });
          held.add(row.partition_key);
        }
      }
    }
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
   * Marks what went out as published, records the failures, and gives back the rest of the lease.
   * When the whole batch went out (the usual case) that is one statement, without a transaction
   * around it (one statement is atomic by itself): two round trips fewer per batch.
   */
  private async settle(claimed: number[], { done, failures }: BatchOutcome): Promise<void> {
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
    if (failures.length === 0 && done.length === claimed.length) {
      await markPublished(this.opts.database.db);
      return;
    }
    await this.opts.database.db.transaction().execute(async (tx) => {
      if (done.length > 0) await markPublished(tx);
      if (failures.length > 0) {
        // One statement for every failed row (a broker outage fails a whole layer), each its error.
        const ids = failures.map((failure) => failure.id);
        const errors = failures.map((failure) =>
          String((failure.error as Error)?.message ?? failure.error).slice(0, 1000),
        );
        await sql`
          UPDATE outbox o SET attempts = o.attempts + 1, last_error = f.error
          FROM unnest(${ids}::bigint[], ${errors}::text[]) AS f(id, error)
          WHERE o.id = f.id AND o.lease_owner = ${this.owner}`.execute(tx);
      }
      const sent = new Set(done);
      const rest = claimed.filter((id) => !sent.has(id));
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

/** What a batch did: the rows that went out, and the ones whose publish failed (with why). */
interface BatchOutcome {
  done: number[];
  failures: { id: number; error: unknown }[];
}

/**
 * The batch (in id order) as layers: the first row of each partition key (user), then the second
 * of each, and so on; each layer in id order, so at most one row per key.
 */
function layers(rows: ClaimedRow[]): ClaimedRow[][] {
  const result: ClaimedRow[][] = [];
  const seen = new Map<string, number>();
  for (const row of rows) {
    const depth = seen.get(row.partition_key) ?? 0;
    seen.set(row.partition_key, depth + 1);
    if (depth === result.length) result.push([row]);
    else result[depth]!.push(row);
  }
  return result;
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
