import closeWithGrace from "close-with-grace";

interface ShutdownLog {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/**
 * On SIGINT/SIGTERM (or a crash), runs the steps in order: stop taking requests first, then the
 * workers, then the database, so nothing in flight loses its connection. Gives up after 10 s.
 */
export function closeOnSignals(log: ShutdownLog, steps: (() => Promise<unknown>)[]): void {
  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) log.error({ err }, "shutting down after an error");
    else log.info({ signal }, "shutting down");
    for (const step of steps) await step();
  });
}
