import type { Executor } from "@todo/db";

/**
 * Deletes activity rows whose event is older than `retentionDays` days before `now`, in batches
 * of `batchSize` so one prune never holds a long lock. Returns how many rows it deleted.
 */
export async function pruneActivity(
  db: Executor,
  retentionDays: number,
  now = new Date(),
  batchSize = 5_000,
): Promise<number> {
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
  let total = 0;
  for (;;) {
    const result = await db
      .deleteFrom("task_activity")
      .where(
        "id",
        "in",
        db.selectFrom("task_activity").select("id").where("occurred_at", "<", cutoff).limit(batchSize),
      )
      .executeTakeFirst();
    const deleted = Number(result.numDeletedRows);
    total += deleted;
    if (deleted < batchSize) return total;
  }
}

/** Runs pruneActivity now and then every `intervalMs`; stop() waits for a prune under way. */
export class PruneTimer {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly prune: () => Promise<number>,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(): void {
    const run = () => {
      this.running = this.prune().catch(this.onError);
    };
    run();
    this.timer = setInterval(run, this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
