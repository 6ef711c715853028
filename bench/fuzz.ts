// Schemathesis (from PyPI, in a venv under the cache dir) against the OpenAPI document the
// embedded backend serves (/docs/json): every operation, all phases, authenticated with a bearer
// token and with {user_id} pinned to that user, so the generated cases reach the handlers instead
// of stopping at 403. Counts 5xx answers (the not_a_server_error check) and the cases run.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { BenchRow } from "./report.ts";
import { log, logDir, spawnService, waitForHttp } from "./stack.ts";

const run = promisify(execFile);
const cacheDir = process.env.TODO_CACHE_DIR ?? join(homedir(), ".cache", "todo-platform");
const venv = join(cacheDir, "schemathesis-venv");
const SCHEMATHESIS_VERSION = "4.32.5";
const port = 3950;

async function ensureSchemathesis(): Promise<string> {
  const bin = join(venv, "bin", "schemathesis");
  const marker = join(venv, `.schemathesis-${SCHEMATHESIS_VERSION}`);
  if (existsSync(bin) && existsSync(marker)) return bin;
  log(`installing schemathesis ${SCHEMATHESIS_VERSION} into ${venv}`);
  await run("python3", ["-m", "venv", venv]);
  await run(join(venv, "bin", "pip"), ["install", "-q", `schemathesis==${SCHEMATHESIS_VERSION}`], {
    maxBuffer: 64 * 1024 * 1024,
  });
  await writeFile(marker, "");
  return bin;
}

export async function fuzzEmbedded(maxExamples: number): Promise<Omit<BenchRow, "command">[]> {
  const bin = await ensureSchemathesis();
  const dataDir = await mkdtemp(join(tmpdir(), "bench-fuzz-"));
  const backend = spawnService(
    "fuzz-embedded-backend",
    process.execPath,
    ["--import", "tsx", "bench/fuzz-target.ts"],
    {
      PORT: String(port),
      HOST: "127.0.0.1",
      DATA_DIR: dataDir,
      LOG_LEVEL: "warn",
      AUTH_SIGN_IN_LIMIT_PER_MINUTE: "100000",
      BETTER_AUTH_SECRET: "benchmark-secret-benchmark-secret-0123456789",
      PUBLIC_URL: `http://127.0.0.1:${port}`,
    },
  );
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitForHttp(`${base}/readyz`, 120_000, backend);
    const signUp = (await fetch(`${base}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "fuzz@example.com", password: "correct horse battery", name: "Fuzz" }),
    }).then((r) => r.json())) as { token: string; user: { id: string } };
    // A few objects, so that generated ids sometimes hit something that exists.
    const headers = { authorization: `Bearer ${signUp.token}`, "content-type": "application/json" };
    for (let i = 1; i <= 3; i++) {
      await fetch(`${base}/api/${signUp.user.id}/tags`, {
        method: "POST",
        headers,
        body: JSON.stringify({ name: `tag ${i}` }),
      });
      await fetch(`${base}/api/${signUp.user.id}/tasks`, {
        method: "POST",
        headers,
        body: JSON.stringify({ title: `task ${i}`, tag_ids: [i] }),
      });
      await fetch(`${base}/api/${signUp.user.id}/recurring-tasks`, {
        method: "POST",
        headers,
        body: JSON.stringify({ template_title: `template ${i}`, recurrence_pattern: "daily" }),
      });
    }
    const config = join(dataDir, "schemathesis.toml");
    await writeFile(
      config,
      // Strings are drawn from all of Unicode (utf-8 codec), NUL and the other control characters
      // included (allow-x00): each must be a 4xx naming the field, never a 5xx.
      `# Written by bench/fuzz.ts\nmax-stream-events = 3\n\n[generation]\ncodec = "utf-8"\nallow-x00 = true\n\n[parameters]\n"path.user_id" = "${signUp.user.id}"\n`,
    );
    const report = join(logDir, "schemathesis.ndjson");
    const args = [
      "--config-file",
      config,
      "run",
      `${base}/docs/json`,
      "--header",
      `Authorization: Bearer ${signUp.token}`,
      "--checks",
      "not_a_server_error",
      "--max-examples",
      String(maxExamples),
      "--request-timeout",
      "5",
      "--workers",
      "2",
      "--seed",
      "20261129",
      "--report",
      "ndjson",
      "--report-ndjson-path",
      report,
    ];
    log(`schemathesis against ${base}/docs/json (max ${maxExamples} examples per operation and phase)`);
    let output = "";
    try {
      output = (await run(bin, args, { maxBuffer: 64 * 1024 * 1024, timeout: 20 * 60_000 })).stdout;
    } catch (error) {
      // Exit code 1 means failures were found; the summary is still on stdout.
      output = (error as { stdout?: string }).stdout ?? "";
      if (!output) throw error;
    }
    await writeFile(join(logDir, "schemathesis.out"), output);
    const cases = Number(/(\d+) generated/.exec(output)?.[1] ?? Number.NaN);
    const operations = /Tested: (\d+)/.exec(output)?.[1] ?? "?";
    const selected = /Selected: (\d+\/\d+)/.exec(output)?.[1] ?? "?";
    const serverErrors = Number(/ST101 Server error: (\d+)/.exec(output)?.[1] ?? 0);
    const fiveHundreds = await countServerErrors(report);
    const found = Math.max(serverErrors, fiveHundreds);
    log(`schemathesis: ${cases} cases, ${found} server errors (full output: ${logDir}/schemathesis.out)`);
    const note = `schemathesis ${SCHEMATHESIS_VERSION}, all phases, strings with NUL and control characters (allow-x00, utf-8), bearer token, {user_id} pinned to the signed-up user; operations tested ${operations} (selected ${selected}); max ${maxExamples} examples`;
    return [
      {
        name: "fuzz_5xx",
        value: found,
        unit: "count",
        goal: "= 0",
        meets: found === 0,
        mode: "embedded",
        note: `${note}; 5xx answers (unique failures of not_a_server_error)`,
      },
      { name: "fuzz_cases", value: cases, unit: "count", goal: "", meets: null, mode: "embedded", note },
    ];
  } finally {
    await backend.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Every 5xx in the NDJSON report, counted per response (not only unique failures). */
async function countServerErrors(path: string): Promise<number> {
  try {
    const text = await readFile(path, "utf8");
    return (text.match(/"status_code":\s*5\d\d/g) ?? []).length;
  } catch {
    return 0;
  }
}
