import closeWithGrace from "close-with-grace";
import type { FastifyInstance } from "fastify";
import type { Log } from "./log.ts";

/**
 * On SIGINT/SIGTERM (or a crash), runs the steps in order: stop taking requests first, then the
 * workers, then the database, so nothing in flight loses its connection. Gives up after 10 s.
 * Returns the same shutdown for a caller that must stop without a signal (it runs the steps once).
 */
export function closeOnSignals(log: Log, steps: (() => Promise<unknown>)[]): () => Promise<void> {
  let running: Promise<void> | undefined;
  const shutdown = () => {
    running ??= (async () => {
      for (const step of steps) await step();
    })();
    return running;
  };
  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) log.error({ err }, "shutting down after an error");
    else log.info({ signal }, "shutting down");
    await shutdown();
  });
  return shutdown;
}

/**
 * The one line a person needs when the address cannot be taken (`EADDRINUSE`, `EACCES`,
 * `EADDRNOTAVAIL`), naming the setting to change; undefined for any other error.
 */
export function listenFailure(error: unknown, address: { port: number; host: string }): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const where = `${address.host}:${address.port}`;
  if (code === "EADDRINUSE")
    return `cannot listen on ${where}: port ${address.port} is in use; stop what uses it or set PORT to another port`;
  if (code === "EACCES")
    return `cannot listen on ${where}: port ${address.port} needs privileges; set PORT to a port above 1023`;
  if (code === "EADDRNOTAVAIL")
    return `cannot listen on ${where}: ${address.host} is not an address of this machine; set HOST (127.0.0.1 or 0.0.0.0)`;
  return undefined;
}

/**
 * `app.listen`, except that an address that cannot be taken ends the process with one line on
 * stderr (see `listenFailure`) and exit code 1, after `shutdown` has closed what was opened.
 */
export async function listenOrExit(
  app: FastifyInstance,
  address: { port: number; host: string },
  shutdown: () => Promise<void>,
): Promise<void> {
  try {
    await app.listen(address);
  } catch (error) {
    const line = listenFailure(error, address);
    if (line === undefined) throw error;
    console.error(line);
    await shutdown();
    process.exit(1);
  }
}
