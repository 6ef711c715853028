import type { FastifyInstance, FastifyServerOptions } from "fastify";
import type { z } from "zod";
import { type LogLevel, loadOrExit } from "./config.ts";
import { serviceLogger } from "./logger.ts";
import { createRegistry, type Registry } from "./metrics.ts";
import { closeOnSignals, listenOrExit } from "./shutdown.ts";

/** What every service's configuration has: where to listen and how much to log. */
export interface BaseServiceConfig {
  port: number;
  host: string;
  logLevel: z.infer<typeof LogLevel>;
}

/** Something that runs beside the server (relay, feed, delivery worker, scheduler). */
export interface Worker {
  start(): unknown;
  stop(): Promise<unknown>;
  /** Start once the server listens (work that must not hold up readiness), not before. */
  afterListen?: boolean;
}

export interface ServiceParts {
  app: FastifyInstance;
  /** Started in this order, stopped in the reverse order, all after the server stops taking requests. */
  workers: Worker[];
  /** Extra fields for the "<name> ready" line. */
  readyFields?: Record<string, unknown>;
}

export interface ServiceSpec<C extends BaseServiceConfig, D extends { close(): Promise<unknown> }> {
  /** The service's name: the metrics registry's `service` label and the "<name> ready" line. */
  name: string;
  /** The line logged once it listens, if not "<name> ready". */
  readyMessage?: string;
  /** Reads the environment; a ConfigError ends the process with its message (exit code 1). */
  loadConfig: () => C;
  /**
   * Opens (and migrates, if the service does) the database; `close()` runs last at shutdown.
   * `applicationName` is the service's name, for its connections to name themselves by.
   */
  openDatabase: (config: C, connection: { applicationName: string }) => Promise<D>;
  /** Builds the server and the workers; starts nothing. */
  build: (context: {
    config: C;
    database: D;
    logger: FastifyServerOptions["logger"];
    registry: Registry;
  }) => Promise<ServiceParts>;
}

export interface RunningService<C, D> {
  config: C;
  database: D;
  app: FastifyInstance;
  registry: Registry;
  /** Stops as a signal would: server, workers in reverse order, database; runs once. */
  shutdown: () => Promise<void>;
}

/**
 * The one way a composition root runs a service: config → logger → database → server and
 * workers → listen → shutdown on SIGINT/SIGTERM. Workers start in order before the server listens
 * (those marked `afterListen` once it does) and stop in reverse order after it has closed, so
 * nothing in flight loses the database. An address that cannot be taken ends the process with one
 * line (see `listenOrExit`).
 */
export async function runService<C extends BaseServiceConfig, D extends { close(): Promise<unknown> }>(
  spec: ServiceSpec<C, D>,
): Promise<RunningService<C, D>> {
  const startedAt = performance.now();
  const config = loadOrExit(spec.loadConfig);
  const logger = await serviceLogger(config.logLevel);
  const database = await spec.openDatabase(config, { applicationName: spec.name });
  const registry = createRegistry(spec.name);
  const { app, workers, readyFields } = await spec.build({ config, database, logger, registry });

  const shutdown = closeOnSignals(app.log, [
    () => app.close(),
    ...workers.toReversed().map((worker) => () => worker.stop()),
    () => database.close(),
  ]);

  // The server loads its plugins (routes, hooks) while the workers start, which mostly wait for
  // the database (LISTEN); it takes requests only once they have.
  const loaded = (async () => {
    await app.ready();
  })();
  loaded.catch(() => {}); // awaited below, after the workers
  for (const worker of workers) if (!worker.afterListen) await worker.start();
  await loaded;
  await listenOrExit(app, { port: config.port, host: config.host }, shutdown);
  for (const worker of workers) if (worker.afterListen) await worker.start();
  app.log.info(
    { ...readyFields, startup_ms: Math.round(performance.now() - startedAt) },
    spec.readyMessage ?? `${spec.name} ready`,
  );
  return { config, database, app, registry, shutdown };
}
