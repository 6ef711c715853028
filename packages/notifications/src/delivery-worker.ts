import type { DatabaseHandle } from "@todo/db";
import { jitteredBackoffMs, type NextRound, type StateStore, WakeableLoop } from "@todo/events";
import { Counter, type Log, type Registry } from "@todo/server";
import { sql } from "kysely";
import type { ChannelProvider, Delivery, DeliveryChannel, SendOutcome } from "./channels/provider.ts";
import { BlockedDestinationError } from "./network-guard.ts";
import { type DeliveryHistory, historyKey } from "./notifications.ts";

export interface RetryPolicy {
  /** Attempts in all, the first included; after the last failure the delivery is dead. */
  maxAttempts: number;
  baseMs: number;
  maxMs: number;
}

export interface DeliveryWorkerOptions {
  database: DatabaseHandle;
  providers: ChannelProvider[];
  stateStore: StateStore;
  log: Log;
  registry: Registry;
  retry?: Partial<RetryPolicy>;
  /** Deliveries in flight at once, so one slow receiver does not hold up the others. */
  concurrency?: number;
  /** The safety-net poll, for a NOTIFY that never came. */
  pollIntervalMs?: number;
  /** How long a claim lasts: a worker that dies mid-send leaves the row to others after this. */
  leaseMs?: number;
  historyTtlSeconds?: number;
}

const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 8, baseMs: 5_000, maxMs: 3_600_000 };

/** The policy's jittered backoff, or the receiver's Retry-After when that is longer (up to maxMs). */
export function backoffMs(attempts: number, policy: RetryPolicy, retryAfterMs?: number): number {
  const delay = jitteredBackoffMs(attempts, policy.baseMs, policy.maxMs);
  return retryAfterMs ? Math.max(delay, Math.min(retryAfterMs, policy.maxMs)) : delay;
}

interface ClaimedRow extends Delivery {}

/** A registry holds one metric per name; a second worker on the same registry shares it. */
function reuseOrCreate<L extends string>(
  registry: Registry,
  config: { name: string; help: string; labelNames: L[] },
): Counter<L> {
  const existing = registry.getSingleMetric(config.name);
  if (existing) return existing as Counter<L>;
  return new Counter({ ...config, registers: [registry] });
}

/**
 * Sends what the deliveries table holds. A claim is a short transaction: due rows are taken with
 * FOR UPDATE SKIP LOCKED (any number of workers, on any replica) and leased by moving
 * next_attempt_at ahead; the send happens outside any transaction, and its outcome is written only
 * if the lease still holds. Woken by NOTIFY when deliveries are committed.
 */
export class DeliveryWorker {
  private readonly retry: RetryPolicy;
  private readonly providers: Map<DeliveryChannel, ChannelProvider>;
  private readonly concurrency: number;
  private readonly pollIntervalMs: number;
  private readonly leaseMs: number;
  private readonly historyTtlSeconds: number;
  private readonly outcomes: Counter<"channel" | "outcome">;
  private readonly historyFailures: Counter;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly loop: WakeableLoop;
  private failuresInARow = 0;

  constructor(private readonly opts: DeliveryWorkerOptions) {
    this.retry = { ...DEFAULT_RETRY, ...opts.retry };
    this.providers = new Map(opts.providers.map((p) => [p.channel, p]));
    this.loop = new WakeableLoop(opts.database, "notification_deliveries", () => this.round());
    this.concurrency = opts.concurrency ?? 16;
    this.pollIntervalMs = opts.pollIntervalMs ?? 1_000;
    this.leaseMs = opts.leaseMs ?? 60_000;
    this.historyTtlSeconds = opts.historyTtlSeconds ?? 30 * 24 * 3600;
    this.outcomes = reuseOrCreate(opts.registry, {
      name: "notification_deliveries_total",
      help: "Delivery attempts by channel and outcome (delivered, failed = will retry, dead, skipped)",
      labelNames: ["channel", "outcome"],
    });
    this.historyFailures = reuseOrCreate(opts.registry, {
      name: "notification_delivery_history_failures_total",
      help: "Attempts whose history could not be written to the state store",
      labelNames: [],
    });
  }

  async start(): Promise<void> {
    await this.loop.start();
  }

  /** Stops claiming, then waits for the sends in flight. */
  async stop(): Promise<void> {
    await this.loop.stop();
    await Promise.allSettled([...this.inFlight]);
  }

  requestWake(): void {
    this.loop.requestWake();
  }

  /** Claims and sends what is due now, waiting for every send; for tests and tools. */
  async runOnce(): Promise<number> {
    const rows = await this.claim(this.concurrency);
    await Promise.all(rows.map((row) => this.process(row)));
    return rows.length;
  }

  private async round(): Promise<NextRound> {
    try {
      const room = this.concurrency - this.inFlight.size;
      const rows = room > 0 ? await this.claim(room) : [];
      for (const row of rows) this.track(this.process(row));
      this.failuresInARow = 0;
      if (this.inFlight.size >= this.concurrency) return { sleepMs: this.pollIntervalMs }; // a finishing send wakes us
      if (rows.length > 0 && rows.length === room) return "again"; // more may be due
      return { sleepMs: await this.untilNextDue() };
    } catch (error) {
      this.failuresInARow += 1;
      this.opts.log.error({ err: error }, "delivery worker error");
      return { sleepMs: Math.min(30_000, 100 * 2 ** Math.min(this.failuresInARow, 10)) };
    }
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => {
      this.inFlight.delete(work);
      this.requestWake();
    });
  }

  private async claim(limit: number): Promise<ClaimedRow[]> {
    const { rows } = await sql<ClaimedRow>`
      UPDATE notification_deliveries AS d
      SET attempts = d.attempts + 1,
          next_attempt_at = now() + ${this.leaseMs} * interval '1 millisecond',
          updated_at = now()
      FROM (
        SELECT id FROM notification_deliveries
        WHERE status IN ('pending', 'failed') AND next_attempt_at <= now()
        ORDER BY next_attempt_at
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED
      ) AS due
      WHERE d.id = due.id
      RETURNING d.id, d.user_id, d.event_id, d.event_type, d.channel, d.destination, d.payload, d.attempts`.execute(
      this.opts.database.db,
    );
    return rows;
  }

  /** How long until the next retry falls due, capped by the poll interval. */
  private async untilNextDue(): Promise<number> {
    const { rows } = await sql<{ ms: number | null }>`
      SELECT (extract(epoch FROM min(next_attempt_at) - now()) * 1000)::float8 AS ms
      FROM notification_deliveries WHERE status IN ('pending', 'failed')`.execute(this.opts.database.db);
    const ms = rows[0]?.ms;
    return ms === null || ms === undefined
      ? this.pollIntervalMs
      : Math.max(0, Math.min(this.pollIntervalMs, ms));
  }

  private async process(row: ClaimedRow): Promise<void> {
    const outcome = await this.attempt(row);
    try {
      await this.record(row, outcome);
    } catch (error) {
      // The lease runs out and the delivery is tried again: at least once, never lost.
      this.opts.log.error({ err: error, delivery_id: row.id }, "could not record a delivery outcome");
    }
  }

  private async attempt(row: ClaimedRow): Promise<SendOutcome> {
    const provider = this.providers.get(row.channel);
    if (!provider) return { kind: "dead", error: `no provider for channel ${row.channel}` };
    if (provider.disabledReason) return { kind: "skipped", reason: provider.disabledReason };
    try {
      return await provider.send(row);
    } catch (error) {
      const message = (error as Error).message || String(error);
      if (error instanceof BlockedDestinationError) return { kind: "dead", error: `refused: ${message}` };
      return { kind: "retry", error: message.slice(0, 500) };
    }
  }

  private async record(row: ClaimedRow, outcome: SendOutcome): Promise<void> {
    let status: "delivered" | "failed" | "dead" | "skipped";
    let lastError: string | null = null;
    let retryInMs: number | null = null;
    switch (outcome.kind) {
      case "delivered":
        status = "delivered";
        break;
      case "skipped":
        status = "skipped";
        lastError = outcome.reason;
        break;
      case "dead":
        status = "dead";
        lastError = outcome.error;
        break;
      case "retry":
        if (row.attempts >= this.retry.maxAttempts) {
          status = "dead";
          lastError = `gave up after ${row.attempts} attempts: ${outcome.error}`;
        } else {
          status = "failed";
          lastError = outcome.error;
          retryInMs = backoffMs(row.attempts, this.retry, outcome.retryAfterMs);
        }
        break;
    }
    const detail = outcome.kind === "delivered" ? (outcome.detail ?? null) : lastError;
    await this.appendHistory(row.id, { at: new Date().toISOString(), outcome: status, detail });
    const updated = await this.opts.database.db
      .updateTable("notification_deliveries")
      .set({
        status,
        last_error: lastError,
        next_attempt_at:
          retryInMs === null ? null : sql<Date>`now() + ${retryInMs} * interval '1 millisecond'`,
        updated_at: sql<Date>`now()`,
      })
      .where("id", "=", row.id)
      .where("attempts", "=", row.attempts)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) {
      this.opts.log.warn(
        { delivery_id: row.id },
        "a delivery's lease ran out before its outcome was recorded",
      );
      return;
    }
    this.outcomes.inc({ channel: row.channel, outcome: status });
    if (status === "dead") {
      this.opts.log.warn({ delivery_id: row.id, channel: row.channel, error: lastError }, "delivery is dead");
    }
  }

  private async appendHistory(id: string, entry: DeliveryHistory["attempts"][number]): Promise<void> {
    try {
      const key = historyKey(id);
      const history = (await this.opts.stateStore.get<DeliveryHistory>(key)) ?? { attempts: [] };
      history.attempts.push(entry);
      await this.opts.stateStore.save(key, history, { ttlSeconds: this.historyTtlSeconds });
    } catch (error) {
      this.historyFailures.inc();
      this.opts.log.warn({ err: error, delivery_id: id }, "could not write the delivery history");
    }
  }
}
