import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";

export const repositoryRoot = new URL("../../../", import.meta.url).pathname;

/** A loopback port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface Started {
  child: ChildProcess;
  base: string;
  /** Everything the process wrote to stdout and stderr so far. */
  output: string[];
}

/** Starts a command in the repository root and waits until `/healthz` on `port` answers (60 s at most). */
export async function startUntilHealthy(
  command: string,
  args: string[],
  port: number,
  env: Record<string, string>,
): Promise<Started> {
  const started = spawnCollecting(command, args, { ...env, PORT: String(port), HOST: "127.0.0.1" });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (started.child.exitCode !== null) throw new Error(`${command} exited: ${started.output.join("")}`);
    try {
      if ((await fetch(`${base}/healthz`)).ok) return { ...started, base };
    } catch {}
    if (Date.now() > deadline) throw new Error(`no /healthz within 60 s: ${started.output.join("")}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Spawns a command in the repository root with the test's environment plus `env`. */
export function spawnCollecting(
  command: string,
  args: string[],
  env: Record<string, string>,
): { child: ChildProcess; output: string[] } {
  const output: string[] = [];
  const child = spawn(command, args, {
    cwd: repositoryRoot,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group, so `killGroup` can end whatever it left behind.
    detached: true,
  });
  child.stdout!.on("data", (d) => output.push(String(d)));
  child.stderr!.on("data", (d) => output.push(String(d)));
  return { child, output };
}

/** Resolves with the exit code (or the signal's name) once the process has exited. */
export function exited(child: ChildProcess): Promise<number | string | null> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve(child.exitCode ?? child.signalCode);
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal)));
}

/** Sends `signal` to the process itself (not its group) and waits for it to exit. */
export async function stop(
  child: ChildProcess,
  signal: NodeJS.Signals = "SIGTERM",
): Promise<number | string | null> {
  const done = exited(child);
  if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  return done;
}

/** Cleanup after a test: SIGKILL to the process's whole group (anything it started, orphans too). */
export function killGroup(child: ChildProcess): void {
  try {
    if (child.pid) process.kill(-child.pid, "SIGKILL");
  } catch {}
}
