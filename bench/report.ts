import { readFile, writeFile } from "node:fs/promises";
import { cpus, totalmem } from "node:os";

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

const jsonPath = new URL("../docs/benchmarks.json", import.meta.url);
const mdPath = new URL("../docs/benchmarks.md", import.meta.url);

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)]!;
}

export function summarize(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { count: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? NaN };
}

export function meetsGoal(value: number, goal: string): boolean | null {
  const match = goal.match(/^(<=|>=|=)\s*([\d.,]+)$/);
  if (!match) return null;
  const target = Number(match[2]!.replaceAll(",", ""));
  return match[1] === "<=" ? value <= target : match[1] === ">=" ? value >= target : value === target;
}

/** Merges rows into docs/benchmarks.json (by name and mode) and rewrites docs/benchmarks.md. */
export async function recordRows(rows: BenchRow[]): Promise<void> {
  let existing: BenchRow[] = [];
  try {
    existing = JSON.parse(await readFile(jsonPath, "utf8")).rows ?? [];
  } catch {}
  const key = (r: BenchRow) => `${r.name}/${r.mode}`;
  const merged = new Map(existing.map((r) => [key(r), r]));
  for (const row of rows) merged.set(key(row), row);
  const all = [...merged.values()].sort((a, b) => key(a).localeCompare(key(b)));
  const machine = `${cpus().length} cores (${cpus()[0]?.model.trim() ?? "unknown"}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const date = new Date().toISOString().slice(0, 10);
  await writeFile(jsonPath, `${JSON.stringify({ machine, date, rows: all }, null, 2)}\n`);
  const lines = [
    "# Benchmarks",
    "",
    `Measured on ${machine}, ${date}. The machine is shared and noisy: compare figures taken in the same run.`,
    "",
    "| name | mode | value | unit | goal | meets | command |",
    "|---|---|---|---|---|---|---|",
    ...all.map(
      (r) =>
        `| ${r.name} | ${r.mode} | ${r.value} | ${r.unit} | ${r.goal || "—"} | ${r.meets === null ? "—" : r.meets ? "yes" : "**no**"} | \`${r.command}\`${r.note ? ` — ${r.note}` : ""} |`,
    ),
    "",
  ];
  await writeFile(mdPath, lines.join("\n"));
}
