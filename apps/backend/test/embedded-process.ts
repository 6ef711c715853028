import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";

const root = new URL("../../../", import.meta.url).pathname;

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** `npm start`'s entry point, as a real process on a loopback port. */
export async function startEmbedded(
  dataDir: string,
  port: number,
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; base: string; output: string[] }> {
  const output: string[] = [];
  const child = spawn(process.execPath, ["--import", "tsx", "apps/backend/src/embedded.ts"], {
    cwd: root,
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
      RECURRING_TICK_MS: "250",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (d) => output.push(String(d)));
  child.stderr!.on("data", (d) => output.push(String(d)));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`embedded mode exited: ${output.join("")}`);
    try {
      if ((await fetch(`${base}/healthz`)).ok) return { child, base, output };
    } catch {}
    if (Date.now() > deadline) throw new Error(`no /healthz within 60 s: ${output.join("")}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function stop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  child.kill("SIGTERM");
  return exited;
}

/** `npm start`'s entry point run until it exits on its own: its exit code and all it printed. */
export async function runToExit(
  dataDir: string,
  port: number,
): Promise<{ code: number | null; output: string; ms: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, ["--import", "tsx", "apps/backend/src/embedded.ts"], {
    cwd: root,
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d) => (output += String(d)));
  child.stderr.on("data", (d) => (output += String(d)));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  return { code, output, ms: Math.round(performance.now() - started) };
}
