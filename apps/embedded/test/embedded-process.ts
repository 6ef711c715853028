import { exited, freePort, type Started, spawnCollecting, startUntilHealthy, stop } from "./processes.ts";

export { freePort, stop };

const entryPoint = ["--import", "tsx", "apps/embedded/src/main.ts"];

/** `npm start`'s entry point, as a real process on a loopback port, once `/healthz` answers. */
export function startEmbedded(
  dataDir: string,
  port: number,
  env: Record<string, string> = {},
): Promise<Started> {
  return startUntilHealthy(process.execPath, entryPoint, port, {
    DATA_DIR: dataDir,
    LOG_LEVEL: "warn",
    RECURRING_TICK_MS: "250",
    ...env,
  });
}

/** `npm start`'s entry point run until it exits on its own: its exit code, all it printed, its run time in ms. */
export async function runToExit(
  dataDir: string,
  port: number,
): Promise<{ code: number | string | null; output: string; ms: number }> {
  const started = performance.now();
  const run = spawnCollecting(process.execPath, entryPoint, {
    DATA_DIR: dataDir,
    PORT: String(port),
    HOST: "127.0.0.1",
    LOG_LEVEL: "warn",
  });
  const code = await exited(run.child);
  return { code, output: run.output.join(""), ms: Math.round(performance.now() - started) };
}
