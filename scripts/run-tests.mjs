#!/usr/bin/env node
// Finds *.test.ts files under the given folders (default: every package and app) and runs each in
// a Node process of its own with Node's test runner, two at a time, longest first: the duration of
// each file is kept from the run before (node_modules/.cache/todo-test-durations.json; on a fresh
// clone, scripts/test-durations.json, a committed record of a whole run), so the last minute is not one long file running alone on one core. A file's output is printed whole when it
// ends, with its wall time and CPU time (user + sys, itself and the processes it started); the end
// sums up the tests and lists the longest files.
//
//   node scripts/run-tests.mjs [folder or file ...] [--test-concurrency=N] [--other-node-test-flags]
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repositoryRoot = fileURLToPath(new URL("../", import.meta.url));
const recordFile = join(repositoryRoot, "node_modules/.cache/todo-test-durations.json");
const committedRecordFile = join(repositoryRoot, "scripts/test-durations.json");
const summaryReporter = fileURLToPath(new URL("test-summary-reporter.mjs", import.meta.url));

const args = process.argv.slice(2);
const roots = args.filter((a) => !a.startsWith("--"));
const concurrencyFlag = args.find((a) => a.startsWith("--test-concurrency="));
// Two: each file's process and the processes some of them start fill two cores; more only thrash.
const concurrency = Math.max(1, Number(concurrencyFlag?.split("=")[1] ?? 2));
const passThrough = args.filter((a) => a.startsWith("--") && a !== concurrencyFlag);
const searchRoots = roots.length > 0 ? roots : ["packages", "apps"];
const skipDirs = new Set(["node_modules", ".next", "out", "stack-test", "browser-test"]);

function findTests(dir, found) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (!skipDirs.has(name)) findTests(path, found);
    } else if (name.endsWith(".test.ts")) {
      found.push(path);
    }
  }
  return found;
}

const files = searchRoots.flatMap((root) => (statSync(root).isDirectory() ? findTests(root, []) : [root]));
if (files.length === 0) {
  console.error(`no test files found under ${searchRoots.join(", ")}`);
  process.exit(1);
}

/** Wall time in ms per file (relative to the repository root) recorded in `file`; {} if none. */
async function readRecord(file) {
  try {
    return JSON.parse(await readFile(file, "utf8"));
  } catch {
    return {};
  }
}
// This machine's last run where it has one, else the committed record.
const record = { ...(await readRecord(committedRecordFile)), ...(await readRecord(recordFile)) };
const keyOf = (file) => relative(repositoryRoot, resolve(file));
// Longest first; a file never timed goes first, since it may be long.
const queue = [...files].sort(
  (a, b) => (record[keyOf(b)] ?? Infinity) - (record[keyOf(a)] ?? Infinity) || a.localeCompare(b),
);

/**
 * CPU time (user + sys, ms) of this process's children that have ended, the processes they started
 * and waited for included (Linux: /proc/self/stat cutime and cstime, in clock ticks of 10 ms).
 * Read when a file's process has just ended, its difference from the last reading is that file's.
 */
function childrenCpuMs() {
  try {
    const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return undefined;
  }
}

const summaryDir = await mkdtemp(join(tmpdir(), "todo-test-summary-"));
const totals = { tests: 0, pass: 0, fail: 0, cancelled: 0, skipped: 0, todo: 0 };
const timings = [];
const failedFiles = [];
let lastCpu = childrenCpuMs();
const started = performance.now();

/**
 * A file's counts: from the summary reporter, or (when its process ended before the reporter wrote
 * them) from the spec reporter's closing lines; null when neither has them (the file did not run).
 */
async function readCounts(summary, output) {
  const written = await readFile(summary, "utf8").catch(() => "");
  try {
    const counts = JSON.parse(written);
    if (typeof counts.tests === "number") return counts;
  } catch {}
  const counts = {};
  for (const [, key, value] of output.matchAll(/^ℹ (tests|pass|fail|cancelled|skipped|todo) (\d+)$/gm))
    counts[key] = Number(value);
  return typeof counts.tests === "number" ? counts : null;
}

function runFile(file, index) {
  const summary = join(summaryDir, `${index}.json`);
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      // Under --test the file runs in a process of its own that reports to this one, so a test
      // that ends its process (process.exit, a shutdown hook on beforeExit) still gets counted.
      "--test",
      "--test-reporter=spec",
      "--test-reporter-destination=stdout",
      `--test-reporter=${summaryReporter}`,
      `--test-reporter-destination=${summary}`,
      ...passThrough,
      file,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const output = [];
  child.stdout.on("data", (d) => output.push(d));
  child.stderr.on("data", (d) => output.push(d));
  const fileStarted = performance.now();
  return new Promise((resolve) => {
    child.on("close", async (code, signal) => {
      const cpu = childrenCpuMs();
      const cpuMs = cpu === undefined || lastCpu === undefined ? undefined : cpu - lastCpu;
      lastCpu = cpu;
      const ms = performance.now() - fileStarted;
      const text = Buffer.concat(output).toString();
      const counts = await readCounts(summary, text);
      for (const key of Object.keys(totals)) totals[key] += counts?.[key] ?? 0;
      const ok = code === 0 && counts !== null;
      if (!ok) failedFiles.push(`${keyOf(file)} (${signal ?? `exit code ${code}`})`);
      timings.push({ file: keyOf(file), ms, cpuMs });
      const cpuText = cpuMs === undefined ? "" : `, cpu ${(cpuMs / 1000).toFixed(1)} s`;
      process.stdout.write(
        `\n=== ${keyOf(file)}: ${ok ? "ok" : "FAILED"} in ${(ms / 1000).toFixed(1)} s${cpuText}\n${text}`,
      );
      resolve();
    });
  });
}

let next = 0;
async function worker() {
  while (next < queue.length) {
    const index = next++;
    await runFile(queue[index], index);
  }
}
await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
await rm(summaryDir, { recursive: true, force: true });

// Kept for the next run's order (files not run this time keep their earlier time).
const updated = { ...record };
for (const { file, ms } of timings) if (!file.startsWith("..")) updated[file] = Math.round(ms);
await mkdir(join(recordFile, ".."), { recursive: true });
await writeFile(`${recordFile}.${process.pid}`, `${JSON.stringify(updated, null, 1)}\n`);
await rename(`${recordFile}.${process.pid}`, recordFile);

const wall = (performance.now() - started) / 1000;
const cpuTotal = timings.reduce((sum, t) => sum + (t.cpuMs ?? 0), 0) / 1000;
const longest = [...timings].sort((a, b) => b.ms - a.ms).slice(0, 10);
console.log(`\nlongest files (wall, cpu):`);
for (const t of longest)
  console.log(
    `  ${(t.ms / 1000).toFixed(1).padStart(6)} s  ${t.cpuMs === undefined ? "" : `${(t.cpuMs / 1000).toFixed(1).padStart(6)} s`}  ${t.file}`,
  );
const counts = Object.entries(totals).map(([key, value]) => `${key} ${value}`);
console.log(
  `\n${timings.length} files, ${counts.join(", ")}; ${wall.toFixed(1)} s wall, ` +
    `${cpuTotal.toFixed(1)} s cpu in test processes (${concurrency} at a time)`,
);
if (failedFiles.length > 0) console.log(`failed files:\n  ${failedFiles.join("\n  ")}`);
process.exit(failedFiles.length > 0 || totals.fail > 0 || totals.cancelled > 0 ? 1 : 0);
