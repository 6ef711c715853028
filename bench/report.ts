import { mkdir, readFile, writeFile } from "node:fs/promises";
import { cpus, totalmem } from "node:os";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  /** e.g. "<= 50"; empty when the figure is only reported. */
  goal: string;
  meets: boolean | null;
  mode: "embedded" | "distributed";
  command: string;
  note?: string;
}

/** A row of the issue's table that could not be measured yet, and why. */
export interface PendingRow {
  name: string;
  goal: string;
  mode: BenchRow["mode"];
  reason: string;
}

interface Document {
  machine: string;
  date: string;
  run?: { command: string; started: string; finished: string; seconds: number };
  rows: BenchRow[];
  pending?: PendingRow[];
}

const jsonPath = fileURLToPath(new URL("../docs/benchmarks.json", import.meta.url));
const mdPath = fileURLToPath(new URL("../docs/benchmarks.md", import.meta.url));
const changesPath = fileURLToPath(new URL("./what-was-changed.md", import.meta.url));

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)]!;
}

export function summarize(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? NaN,
  };
}

export function meetsGoal(value: number, goal: string): boolean | null {
  const match = goal.match(/^(<=|>=|=)\s*([\d.,]+)$/);
  if (!match) return null;
  const target = Number(match[2]!.replaceAll(",", ""));
  return match[1] === "<=" ? value <= target : match[1] === ">=" ? value >= target : value === target;
}

const machine = () =>
  `${cpus().length} cores (${cpus()[0]?.model.trim() ?? "unknown"}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const key = (r: BenchRow) => `${r.name}/${r.mode}`;

async function readDocument(path: string): Promise<Document | undefined> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as Document;
  } catch {
    return undefined;
  }
}

const cell = (r: BenchRow) =>
  `| ${r.name} | ${r.mode} | ${r.value} | ${r.unit} | ${r.goal || "—"} | ${r.meets === null ? "—" : r.meets ? "yes" : "**no**"} | \`${r.command}\`${r.note ? ` — ${r.note}` : ""} |`;
const header = ["| name | mode | value | unit | goal | meets | command |", "|---|---|---|---|---|---|---|"];

async function renderMarkdown(doc: Document): Promise<string> {
  const lines = ["# Benchmarks", ""];
  if (doc.run) {
    lines.push(
      `Measured with \`${doc.run.command}\` on ${doc.machine}; run from ${doc.run.started} to ${doc.run.finished} (UTC, ${Math.round(doc.run.seconds / 60)} min). ` +
        "Everything (the services, PostgreSQL, Kafka, the sidecars and the load generator) shares these two cores, and other work on the machine moves absolute figures from one run to the next: compare figures taken in the same run.",
      "",
      "Distributed mode: the services as their images run them (each one's bundle on the images' Node, with their compile cache and NODE_OPTIONS; the notification service's place is held by the benchmark's own subscriber until its own benchmark) " +
        "on a PostgreSQL 15 server beside `daprd` 1.18 sidecars, Kafka 3.9 (KRaft) " +
        "and Redis, all on 127.0.0.1, started by `infrastructure/stack` (provision.sh, up.sh; down.sh at the end). " +
        "Load comes from autocannon (closed loop) or from paced requests (open loop) as each row says. " +
        "Embedded mode: `npm start`'s process on PGlite.",
      "",
    );
  } else {
    lines.push(
      `Measured on ${doc.machine}, ${doc.date}. The machine is shared and noisy: compare figures taken in the same run.`,
      "",
    );
  }
  const soak = doc.rows.filter(isSoakRow);
  const rest = doc.rows.filter((r) => !isSoakRow(r));
  const fromRun = doc.run ? rest.filter((r) => r.command === doc.run!.command) : rest;
  const others = doc.run ? rest.filter((r) => r.command !== doc.run!.command) : [];
  lines.push(...header, ...fromRun.map(cell), "");
  if (doc.pending?.length) {
    lines.push("## Pending", "", "| name | mode | goal | why |", "|---|---|---|---|");
    for (const p of doc.pending) lines.push(`| ${p.name} | ${p.mode} | ${p.goal} | ${p.reason} |`);
    lines.push("");
  }
  if (soak.length) {
    lines.push(
      "## Soak",
      "",
      "`npm run soak` (bench/soak): a mixed load from a few users on the distributed stack while a seeded schedule kills (SIGKILL) " +
        "and restarts services and sidecars, stops PostgreSQL, Kafka and Redis, pauses processes (SIGSTOP) and runs a second " +
        "replica, then checks the invariants over the whole history. The command gives the seed that replays the schedule.",
      "",
      ...header,
      ...soak.map(cell),
      "",
    );
  }
  if (others.length) {
    lines.push(
      "## Other figures",
      "",
      "Taken by the single-purpose scripts in `bench/` (each row's command), at other times than the run above.",
      "",
      ...header,
      ...others.map(cell),
      "",
    );
  }
  try {
    lines.push((await readFile(changesPath, "utf8")).trim(), "");
  } catch {}
  return lines.join("\n");
}

const isSoakRow = (r: BenchRow) => r.name.startsWith("soak_");

/**
 * Merges rows into docs/benchmarks.json (by name and mode) and rewrites docs/benchmarks.md.
 * `replace` drops the existing rows it matches first (a soak's rows replace the last soak's).
 */
export async function recordRows(rows: BenchRow[], replace?: (row: BenchRow) => boolean): Promise<void> {
  const existing = await readDocument(jsonPath);
  const fresh = new Map(rows.map((r) => [key(r), r]));
  const taken = (r: BenchRow) => {
    const row = fresh.get(key(r)) ?? r;
    fresh.delete(key(r));
    return row;
  };
  const kept = (existing?.rows ?? []).filter((r) => !replace?.(r)).map(taken);
  // As writeReport orders them: the full run's rows in the order it ran them (a row measured again
  // stays in its place), then the others by name.
  const ofRun = (r: BenchRow) => r.command.startsWith("npm run bench");
  const doc: Document = {
    ...(existing ?? {}),
    machine: existing?.run ? existing.machine : machine(),
    date: existing?.run ? existing.date : new Date().toISOString().slice(0, 10),
    rows: [
      ...kept.filter(ofRun),
      ...[...kept.filter((r) => !ofRun(r)), ...fresh.values()].sort((a, b) => key(a).localeCompare(key(b))),
    ],
  };
  await writeFile(jsonPath, `${JSON.stringify(doc, null, 2)}\n`);
  await writeFile(mdPath, await renderMarkdown(doc));
}

/**
 * The report of one `npm run bench`: its rows replace every row an earlier run wrote, rows of
 * the single-purpose scripts are kept under "Other figures". A complete full run writes docs/;
 * a quick or partial run writes next to the stack's logs, so it never overwrites the full figures.
 */
export async function writeReport(
  rows: BenchRow[],
  run: { command: string; startedAt: Date; finishedAt: Date; pending: PendingRow[]; outDir?: string },
): Promise<string> {
  const json = run.outDir ? `${run.outDir}/benchmarks.json` : jsonPath;
  const md = run.outDir ? `${run.outDir}/benchmarks.md` : mdPath;
  const existing = await readDocument(jsonPath);
  const kept = (existing?.rows ?? []).filter((r) => !r.command.startsWith("npm run bench"));
  const doc: Document = {
    machine: machine(),
    date: run.startedAt.toISOString().slice(0, 10),
    run: {
      command: run.command,
      started: run.startedAt.toISOString().slice(0, 16).replace("T", " "),
      finished: run.finishedAt.toISOString().slice(0, 16).replace("T", " "),
      seconds: Math.round((run.finishedAt.getTime() - run.startedAt.getTime()) / 1000),
    },
    rows: [...rows, ...kept.sort((a, b) => key(a).localeCompare(key(b)))],
    pending: run.pending,
  };
  await mkdir(dirname(json), { recursive: true });
  await writeFile(json, `${JSON.stringify(doc, null, 2)}\n`);
  const text = await renderMarkdown(doc);
  await writeFile(md, text);
  return md;
}

/** Rewrites docs/benchmarks.md from docs/benchmarks.json (after bench/what-was-changed.md changed). */
export async function renderDocs(): Promise<string> {
  const doc = await readDocument(jsonPath);
  if (!doc) throw new Error("docs/benchmarks.json is missing; run npm run bench first");
  await writeFile(mdPath, await renderMarkdown(doc));
  return mdPath;
}
