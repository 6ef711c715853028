// The soak's figures as benchmark rows (docs/benchmarks.md renders rows named soak_* in a Soak
// section): operations, faults by kind, violations, worst recovery per fault kind, and the
// longest time an acknowledged event took to reach a consumer.
import { type BenchRow, meetsGoal, recordRows } from "../report.ts";
import type { FaultWindow } from "./faults.ts";
import { consumersOf, type History, inFlightMs, type Snapshot } from "./invariants.ts";
import { recoveryKind } from "./schedule.ts";

export function soakRows(input: {
  command: string;
  history: History;
  snapshot: Snapshot;
  windows: FaultWindow[];
  violations: number;
}): BenchRow[] {
  const { command, history, snapshot, windows, violations } = input;
  const rows: BenchRow[] = [];
  const row = (name: string, value: number, unit: string, goal: string, note?: string) =>
    rows.push({
      name,
      value,
      unit,
      goal,
      meets: goal ? meetsGoal(value, goal) : null,
      mode: "distributed",
      command,
      ...(note ? { note } : {}),
    });
  const calls = history.calls;
  const byOp = new Map<string, number>();
  for (const c of calls) byOp.set(c.op, (byOp.get(c.op) ?? 0) + 1);
  const acknowledged = calls.filter((c) => c.status >= 200 && c.status < 300).length;
  row(
    "soak_operations",
    calls.length,
    "requests",
    "",
    `${acknowledged} answered 2xx; ${[...byOp].map(([op, n]) => `${op} ${n}`).join(", ")}; ${snapshot.events.length} events`,
  );
  const kinds = new Map<string, FaultWindow[]>();
  for (const w of windows) {
    const kind = recoveryKind(w.fault);
    kinds.set(kind, [...(kinds.get(kind) ?? []), w]);
  }
  row(
    "soak_faults",
    windows.length,
    "faults",
    "",
    [...kinds].map(([kind, ws]) => `${kind} ${ws.length}`).join(", "),
  );
  row("soak_violations", violations, "count", "= 0", "invariant violations over the whole history");
  for (const [kind, ws] of [...kinds].sort(([a], [b]) => a.localeCompare(b))) {
    const never = ws.filter((w) => w.recoveryMs === null).length;
    const worst = Math.max(...ws.map((w) => w.recoveryMs ?? 0));
    row(
      `soak_recovery_max_${kind}`,
      worst,
      "ms",
      "",
      `worst of ${ws.length}: from the part back to a new task's event processed by both consumers${never ? `; ${never} never recovered` : ""}`,
    );
  }
  const created = new Map(snapshot.events.map((e) => [e.event_id, e]));
  let worst = 0;
  let worstNote = "";
  for (const p of snapshot.processed) {
    const event = created.get(p.event_id);
    if (!event || !(consumersOf[event.topic] ?? []).includes(p.consumer)) continue;
    if (event.created_at >= snapshot.now - inFlightMs) continue;
    const lag = p.processed_at - event.created_at;
    if (lag > worst) {
      worst = lag;
      worstNote = `${p.consumer}, ${event.event_type} committed ${new Date(event.created_at).toISOString().slice(11, 19)}`;
    }
  }
  row("soak_event_to_consumer_max", worst, "ms", "", `commit of the event to its processing: ${worstNote}`);
  return rows;
}

/** Merges the rows into docs/benchmarks.json and rewrites docs/benchmarks.md. */
export async function writeSoakReport(rows: BenchRow[]): Promise<string> {
  await recordRows(rows, (r) => r.name.startsWith("soak_"));
  return "docs/benchmarks.md";
}
