// What every benchmark shares: the command line's options and the sizes they choose, and the rows
// (figures) the run records for the report.
import type { BenchRow, PendingRow } from "./report.ts";
import { meetsGoal } from "./report.ts";
import type { BenchUser } from "./seed.ts";
import { log } from "./stack.ts";

export const args = process.argv.slice(2);
export const quick = args.includes("--quick");
export const only = args
  .find((a) => a.startsWith("--only="))
  ?.slice(7)
  .split(",");
export const wants = (step: string) => !only || only.includes(step);
export const P = quick
  ? {
      users: 1_000,
      tasks: 100_000,
      seconds: 8,
      warmup: 2,
      events: 200,
      templates: 1_000,
      outageSeconds: 15,
      fuzzExamples: 3,
      startupRuns: 1,
      stateOps: 300,
      notifyUsers: 20,
      notifications: 100,
    }
  : {
      users: 10_000,
      tasks: 1_000_000,
      seconds: 30,
      warmup: 5,
      events: 1_000,
      templates: 1_000,
      outageSeconds: 60,
      fuzzExamples: 20,
      startupRuns: 5,
      stateOps: 2_000,
      notifyUsers: 100,
      notifications: 500,
    };
export const command = `npm run bench${args.length > 0 ? ` -- ${args.join(" ")}` : ""}`;
export const rows: BenchRow[] = [];
export const startedAt = new Date();

export function row(
  name: string,
  value: number,
  unit: string,
  goal: string,
  mode: BenchRow["mode"],
  note?: string,
): void {
  const r: BenchRow = { name, value, unit, goal, meets: meetsGoal(value, goal), mode, command };
  if (note) r.note = note;
  rows.push(r);
  log(`${name} (${mode}) = ${value} ${unit}${goal ? ` (goal ${goal}: ${r.meets ? "met" : "MISSED"})` : ""}`);
}

/** Figures not measured in this run, and why (listed under the table). */
export const pending: PendingRow[] = [];

/** Extra effects seen when events were delivered again, summed over the redelivery benchmarks. */
export const redelivery = { extra: 0, notes: [] as string[] };

/** The seeded stack a distributed benchmark runs on, its services started. */
export interface SeededStack {
  users: BenchUser[];
  /** Each user's tag ids, in id order. */
  tagsOf: Map<string, number[]>;
}

/**
 * One distributed benchmark. They run in the runner's order on one stack, each leaving it as
 * the next expects (the subscriber caught up, the outbox drained).
 */
export interface Benchmark {
  /** What `--only=` selects it by. */
  name: string;
  run(stack: SeededStack): Promise<void>;
}
