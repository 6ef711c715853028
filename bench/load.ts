// Closed-loop HTTP load with autocannon against 127.0.0.1 only, bounded in time: a warm-up run
// whose figures are dropped, then the measured run. Latencies are taken per response (float ms,
// autocannon's own histogram rounds to whole ms) and only from 2xx answers; everything else is counted.
import autocannon, { type Request, type Result } from "autocannon";
import { summarize } from "./report.ts";

export interface LoadOptions {
  url: string;
  connections: number;
  seconds: number;
  warmupSeconds: number;
  /** Builds each request (path, headers, body) afresh, e.g. for a random user. */
  next: () => Request;
  /** Called between the warm-up and the measured run. */
  onMeasuredStart?: () => Promise<void>;
}

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  max: number;
  ok: number;
  failed: number;
  statusCodes: Record<string, number>;
}

function once(options: LoadOptions, seconds: number, samples: number[] | null): Promise<Result> {
  if (!new URL(options.url).hostname.match(/^(127\.0\.0\.1|localhost)$/))
    throw new Error("load tests only against 127.0.0.1");
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        duration: seconds,
        timeout: 10,
        requests: [{ setupRequest: (request) => ({ ...request, ...options.next() }) }],
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
    if (samples) {
      instance.on("response", (_client: unknown, status: number, _bytes: number, ms: number) => {
        if (status >= 200 && status < 300) samples.push(ms);
      });
    }
  });
}

export async function load(options: LoadOptions): Promise<LoadResult> {
  if (options.warmupSeconds > 0) await once(options, options.warmupSeconds, null);
  await options.onMeasuredStart?.();
  const samples: number[] = [];
  const result = await once(options, options.seconds, samples);
  const stats = summarize(samples);
  const statusCodes = Object.fromEntries(
    Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count]),
  );
  return {
    rps: Math.round(samples.length / result.duration),
    p50: round(stats.p50),
    p99: round(stats.p99),
    max: round(stats.max),
    ok: samples.length,
    failed: result.errors + result.timeouts + result.non2xx,
    statusCodes,
  };
}

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
