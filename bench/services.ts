// Start-up time (process start → first 200 on /readyz) and idle memory of each service's
// distributed main, in two forms: run from TypeScript source through tsx (as the repository runs
// them) and bundled with esbuild exactly as the Dockerfiles build dist/main.js (what deploys).
// Needs the stack's PostgreSQL; no sidecar runs, which /readyz reports without failing.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { bundleService, compileCacheDir, writeCompileCache } from "../scripts/bundle.mjs";
import { stackAppApiToken } from "./notification-service.ts";
import type { BenchRow } from "./report.ts";
import {
  type AppId,
  appPort,
  breakdownNote,
  cpuMs,
  daprPort,
  log,
  logDir,
  type MemoryBreakdown,
  memoryBreakdown,
  repoRoot,
  rssMb,
  spawnService,
  waitForHttp,
} from "./stack.ts";

const apps: AppId[] = ["backend", "recurring-task-service", "notification-service"];

/**
 * The node that runs the bundles: BENCH_NODE (a path), to measure with the version the images run
 * (NODE_IMAGE in the Dockerfiles), else this one. tsx always runs on this one.
 */
export const bundleNode = process.env.BENCH_NODE ?? process.execPath;
export const nodeLabel = `Node ${execFileSync(bundleNode, ["--version"], { encoding: "utf8" }).trim()}`;

/**
 * A variable the services' image sets (apps/Dockerfile's ENV, one `NAME=value` or
 * `NAME="value with spaces"` a line), or "".
 */
function imageSetting(name: string): string {
  const dockerfile = readFileSync(join(repoRoot, "apps", "Dockerfile"), "utf8");
  const match = new RegExp(`^\\s*${name}=(?:"([^"]*)"|(\\S+))`, "m").exec(dockerfile);
  return match?.[1] ?? match?.[2] ?? "";
}

/**
 * The image's environment for a bundle (one apps/Dockerfile for every service): production, the
 * compile cache the build wrote, their V8 flags (NODE_OPTIONS) and glibc's malloc arenas.
 */
export function imageEnvironment(entry: string): Record<string, string> {
  const arenas = imageSetting("MALLOC_ARENA_MAX");
  return {
    NODE_ENV: "production",
    NODE_COMPILE_CACHE: join(entry, "..", compileCacheDir),
    NODE_COMPILE_CACHE_PORTABLE: "1",
    NODE_OPTIONS: imageSetting("NODE_OPTIONS"),
    ...(arenas ? { MALLOC_ARENA_MAX: arenas } : {}),
  };
}

/**
 * The Dockerfiles' build step (scripts/bundle.mjs, --compile-cache included, written by the node
 * that runs the bundle); the bundle sits where this app's node_modules resolve.
 */
export async function bundle(app: AppId): Promise<string> {
  const outdir = join(repoRoot, "apps", app, "node_modules", ".cache", "todo-bench");
  mkdirSync(outdir, { recursive: true });
  await bundleService({
    entryPoints: { main: join(repoRoot, "apps", app, "src", "main.ts") },
    outdir,
    outExtension: ".mjs",
  });
  rmSync(join(outdir, compileCacheDir), { recursive: true, force: true });
  const entries = writeCompileCache(outdir, "main.mjs", bundleNode);
  log(`${app}: compile cache of ${entries} entries (${nodeLabel})`);
  return join(outdir, "main.mjs");
}

interface Measurement {
  app: AppId;
  form: "tsx" | "bundled";
  readyMs: number;
  /** CPU time (user + system) the process had used when /readyz first answered 200. */
  cpuMs: number;
  rssMb: number;
  /** Where the idle RSS is (sampled with it). */
  breakdown: MemoryBreakdown;
}

async function measureOnce(
  app: AppId,
  form: "tsx" | "bundled",
  entry: string,
  env: Record<string, string>,
): Promise<Measurement> {
  // The Dockerfiles' CMD: plain node, no --enable-source-maps (see scripts/bundle.mjs).
  const args = form === "tsx" ? ["--import", "tsx", entry] : [entry];
  const started = performance.now();
  const service = spawnService(`startup-${app}`, form === "tsx" ? process.execPath : bundleNode, args, {
    HOST: "127.0.0.1",
    LOG_LEVEL: "warn",
    PORT: String(appPort(app)),
    DAPR_HTTP_PORT: String(daprPort(app)),
    ...(form === "bundled" ? imageEnvironment(entry) : {}),
    ...env,
  });
  try {
    await waitForHttp(`http://127.0.0.1:${appPort(app)}/readyz`, 60_000, service);
    const readyMs = Math.round(performance.now() - started);
    const cpuAtReady = cpuMs(service.child.pid!);
    // Idle after start: the relay polls, the pool holds its connections, nothing else runs.
    await new Promise((r) => setTimeout(r, 5_000));
    const pid = service.child.pid!;
    return { app, form, readyMs, cpuMs: cpuAtReady, rssMb: rssMb(pid), breakdown: memoryBreakdown(pid) };
  } finally {
    await service.stop();
  }
}

export async function measureStartups(
  runs: number,
  databaseUrl: string,
  secret: string,
): Promise<Omit<BenchRow, "command">[]> {
  const results: Measurement[] = [];
  const pending: string[] = [];
  for (const app of apps) {
    const source = join("apps", app, "src", "main.ts");
    if (!existsSync(join(repoRoot, source))) {
      pending.push(`${app} (no main)`);
      continue;
    }
    const env: Record<string, string> = { DATABASE_URL: databaseUrl, BETTER_AUTH_SECRET: secret };
    // The notification service answers Dapr's calls only with the sidecar's app API token.
    if (app === "notification-service") env.APP_API_TOKEN = stackAppApiToken();
    const bundled = await bundle(app);
    for (let i = 0; i < runs; i++) {
      for (const [form, entry] of [
        ["tsx", source],
        ["bundled", bundled],
      ] as const) {
        try {
          const m = await measureOnce(app, form, entry, env);
          log(`${app} (${form}): ready in ${m.readyMs} ms, idle RSS ${m.rssMb} MB`);
          results.push(m);
        } catch (error) {
          log(`${app} (${form}) did not start: ${(error as Error).message}`);
          const failed = `${app} (did not start: see ${logDir}/startup-${app}.log)`;
          if (!pending.includes(failed)) pending.push(failed);
        }
      }
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
  const byForm = (form: "tsx" | "bundled") =>
    [...new Set(results.map((r) => r.app))].map((app) => {
      const mine = results.filter((r) => r.app === app && r.form === form);
      const rss = median(mine.map((r) => r.rssMb));
      return {
        app,
        readyMs: median(mine.map((r) => r.readyMs)),
        rssMb: rss,
        cpuMs: median(mine.map((r) => r.cpuMs)),
        breakdown: mine.find((r) => r.rssMb === rss)!.breakdown,
      };
    });
  const rows: Omit<BenchRow, "command">[] = [];
  const missing = pending.length ? `; not measured: ${pending.join(", ")}` : "";
  const bundled = byForm("bundled");
  const all = bundled.map((p) => `${p.app} ${p.readyMs} ms / ${p.rssMb} MB`).join(", ");
  const how = `esbuild bundle as the Dockerfiles build it and run as they run it (compile cache, NODE_OPTIONS, MALLOC_ARENA_MAX), ${nodeLabel}; process start → /readyz 200, median of ${runs}; CPU used by ready ${bundled.map((p) => `${p.app} ${p.cpuMs} ms`).join(", ")}${missing}`;
  for (const p of bundled) {
    const suffix = p.app === "backend" ? "" : `_${p.app.replace(/-service$/, "").replace(/-task$/, "")}`;
    rows.push({
      name: `startup${suffix}_ms`,
      value: p.readyMs,
      unit: "ms",
      goal: p.app === "backend" ? "<= 300" : "<= 200",
      meets: null,
      mode: "distributed",
      note: `${p.app}; ${how}`,
    });
    rows.push({
      name: `idle_rss${suffix}_mb`,
      value: p.rssMb,
      unit: "MB",
      goal: p.app === "backend" ? "<= 80" : "",
      meets: null,
      mode: "distributed",
      note: `${p.app}, RSS 5 s after ready (the median start's: ${breakdownNote(p.breakdown)}); ${all}`,
    });
  }
  const tsx = byForm("tsx");
  if (tsx.length > 0) {
    const slowest = tsx.reduce((a, b) => (b.readyMs > a.readyMs ? b : a));
    rows.push({
      name: "startup_tsx_ms",
      value: slowest.readyMs,
      unit: "ms",
      goal: "",
      meets: null,
      mode: "distributed",
      note: `slowest service (${slowest.app}), process start → /readyz 200, median of ${runs}; TypeScript source through tsx (as the repository runs it); ${tsx.map((p) => `${p.app} ${p.readyMs} ms / ${p.rssMb} MB`).join(", ")}${missing}`,
    });
  }
  return rows;
}
