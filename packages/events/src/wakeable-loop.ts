import type { DatabaseHandle } from "@todo/db";

/** What a round asks for next: go again at once, or sleep (a wake-up cuts it short if wakeable). */
export type NextRound = "again" | { sleepMs: number; wakeable?: boolean };

/**
 * A background loop that runs rounds of work, woken early by NOTIFY on a channel (or by
 * requestWake) and stopped between rounds. A wake-up that arrives during a round makes the next
 * sleep return at once, so no notification is missed. The outbox relay and the
 * notification delivery worker each run one.
 */
export class WakeableLoop {
  private running = false;
  private wakeRequested = false;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private unlisten: (() => Promise<void>) | undefined;

  constructor(
    private readonly database: DatabaseHandle,
    private readonly channel: string,
    private readonly round: () => Promise<NextRound>,
  ) {}

  get isRunning(): boolean {
    return this.running;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.unlisten = await this.database.listen(this.channel, () => this.requestWake());
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.requestWake();
    await this.loop;
    await this.unlisten?.();
    this.unlisten = undefined;
  }

  requestWake(): void {
    this.wakeRequested = true;
    this.wake?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.wakeRequested = false;
      const next = await this.round();
      // Going again at once: on PGlite the loop turns first once the slice is spent.
      if (next === "again") await this.database.slices.pause();
      else await this.sleep(next.sleepMs, next.wakeable ?? true);
    }
  }

  private sleep(ms: number, wakeable: boolean): Promise<void> {
    if (!this.running || (wakeable && this.wakeRequested)) return Promise.resolve();
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(finish, ms);
      // A sleep that is not wakeable (a backoff) is still cut short by stop().
      this.wake = () => {
        if (wakeable || !this.running) finish();
      };
    });
  }
}
