import type { FastifyServerOptions } from "fastify";
import type { z } from "zod";
import type { LogLevel } from "./config.ts";

/**
 * Fastify's logger options for a service: JSON lines (what log collectors read) unless `pretty`,
 * which defaults to whether stdout is a terminal; then pino-pretty prints one readable line per
 * entry. `destination` replaces stdout (tests). pino-pretty is imported only then: the images log
 * JSON and never load it.
 */
export async function serviceLogger(
  level: z.infer<typeof LogLevel>,
  options: { pretty?: boolean; destination?: NodeJS.WritableStream } = {},
): Promise<FastifyServerOptions["logger"]> {
  const pretty = options.pretty ?? process.stdout.isTTY === true;
  if (!pretty) return options.destination ? { level, stream: options.destination } : { level };
  const { default: pinoPretty } = await import("pino-pretty");
  const stream = pinoPretty({
    colorize: options.destination === undefined,
    translateTime: "SYS:HH:MM:ss.l",
    ignore: "pid,hostname",
    singleLine: true,
    // Synchronous, so the last lines before an exit are not lost.
    sync: true,
    ...(options.destination ? { destination: options.destination } : {}),
  });
  return { level, stream };
}
