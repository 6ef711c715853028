// The soak's fault schedule: a pure function of the seed and the run's length, printed before the
// run so that a failing run can be replayed (`npm run soak -- --seed S --minutes N`).

export const apps = ["backend", "notification-service", "recurring-task-service", "audit-service"] as const;
export type App = (typeof apps)[number];
export const infrastructure = ["postgres", "kafka", "redis"] as const;
export type Infrastructure = (typeof infrastructure)[number];

/**
 * One fault. Times in seconds from the start of the load.
 * - `kill-app` / `kill-sidecar`: SIGKILL the app's process (or its daprd), start it again after
 *   `seconds`.
 * - `stop`: stop PostgreSQL, Kafka or Redis for `seconds`, then start it with its data.
 * - `pause`: SIGSTOP the app's process (or its daprd) for `seconds`, then SIGCONT.
 * - `replica`: run a second replica of the app (its own daprd, same app id) for `seconds`, then
 *   SIGKILL one of the two (`victim`); a killed first replica is started again.
 */
export type Fault =
  | { at: number; kind: "kill-app" | "kill-sidecar"; target: App; seconds: number }
  | { at: number; kind: "stop"; target: Infrastructure; seconds: number }
  | { at: number; kind: "pause"; target: App; sidecar: boolean; seconds: number }
  | { at: number; kind: "replica"; target: App; seconds: number; victim: "first" | "second" };
export type FaultKind = Fault["kind"];
export const faultKinds: FaultKind[] = ["kill-app", "kill-sidecar", "stop", "pause", "replica"];

/** A fault's name in reports: `stop postgres`, `kill-sidecar audit-service`, ... */
export const faultLabel = (f: Fault) =>
  `${f.kind === "pause" && f.sidecar ? "pause-sidecar" : f.kind} ${f.target}`;
/** The row a fault's recovery time is reported under: the kind, with the part stopped for `stop`. */
export const recoveryKind = (f: Fault) =>
  f.kind === "stop" ? `stop-${f.target}` : faultLabel(f).split(" ")[0]!;

/** mulberry32: a small, fast 32-bit PRNG; the same seed gives the same numbers on every machine. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface ScheduleOptions {
  seed: number;
  /** Seconds of load; faults start from 10 s in and end 20 s before the load stops. */
  loadSeconds: number;
  /** The short CI run: every kind once, outages of 4-10 s. */
  quick: boolean;
}

/**
 * The faults, sorted by start time. A part is never hit by two faults at once: the next fault on
 * the same app (its process, its sidecar or its replica) or the same infrastructure part starts
 * at least 15 s after the previous one ended; faults on different parts overlap freely. At most
 * one replica phase runs at a time. The quick run has one fault of each kind (each infrastructure
 * part stopped once); the long run draws a fault every 15-45 s, kinds weighted as listed.
 */
export function faultSchedule({ seed, loadSeconds, quick }: ScheduleOptions): Fault[] {
  const next = random(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  /** Fisher-Yates, in place. */
  const shuffle = <T>(items: T[]): T[] => {
    for (let i = items.length - 1; i > 0; i--) {
      const j = int(0, i);
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  };
  const busyUntil = new Map<string, number>();
  const faults: Fault[] = [];
  const end = loadSeconds - 20;
  const outage = (kind: FaultKind | "infra") =>
    quick
      ? kind === "replica"
        ? int(20, 30)
        : int(4, kind === "infra" ? 10 : 6)
      : kind === "infra"
        ? int(5, 60)
        : kind === "replica"
          ? int(60, 180)
          : kind === "pause"
            ? int(3, 20)
            : int(2, 15);
  const draw = (kind: FaultKind, at: number, part?: Infrastructure): Fault | undefined => {
    const free = (part: string) => (busyUntil.get(part) ?? -Infinity) <= at;
    let fault: Fault;
    if (kind === "stop") {
      const target = part ?? pick(infrastructure.filter((p) => free(p)));
      if (!target) return undefined;
      fault = { at, kind, target, seconds: outage("infra") };
    } else {
      const target = pick(apps.filter((a) => free(a) && (kind !== "replica" || free("replica"))));
      if (!target) return undefined;
      if (kind === "pause") fault = { at, kind, target, sidecar: next() < 0.5, seconds: outage(kind) };
      else if (kind === "replica")
        fault = { at, kind, target, seconds: outage(kind), victim: next() < 0.5 ? "first" : "second" };
      else fault = { at, kind, target, seconds: outage(kind) };
    }
    if (fault.at + fault.seconds > end) return undefined;
    busyUntil.set(fault.target, fault.at + fault.seconds + 15);
    if (fault.kind === "replica") busyUntil.set("replica", fault.at + fault.seconds + 15);
    return fault;
  };
  if (quick) {
    // Shuffled, then spread evenly over the run.
    const kinds = shuffle<FaultKind>([
      "kill-app",
      "kill-sidecar",
      "stop",
      "stop",
      "stop",
      "pause",
      "replica",
    ]);
    const step = (end - 10) / kinds.length;
    // The replica phase is long; it starts first so that it ends within the run.
    kinds.sort((a, b) => Number(b === "replica") - Number(a === "replica"));
    // Each infrastructure part is stopped once, in an order drawn from the seed.
    const parts = shuffle([...infrastructure]);
    kinds.forEach((kind, i) => {
      const fault = draw(kind, Math.round(10 + i * step), kind === "stop" ? parts.pop() : undefined);
      if (fault) faults.push(fault);
    });
    return faults.sort((a, b) => a.at - b.at);
  }
  const weights: [FaultKind, number][] = [
    ["kill-app", 3],
    ["kill-sidecar", 3],
    ["stop", 3],
    ["pause", 2],
    ["replica", 1],
  ];
  const total = weights.reduce((s, [, w]) => s + w, 0);
  for (let at = 10 + int(0, 15); at < end; at += int(15, 45)) {
    let r = next() * total;
    let kind = weights[0]![0];
    for (const [k, w] of weights) {
      kind = k;
      r -= w;
      if (r < 0) break;
    }
    const fault = draw(kind, at);
    if (fault) faults.push(fault);
  }
  return faults;
}

/** The schedule as printed before the run: one line per fault. */
export function describeSchedule(faults: Fault[]): string {
  return faults
    .map((f) => {
      const extra =
        f.kind === "replica" ? `, then SIGKILL the ${f.victim} replica` : f.kind === "stop" ? " down" : "";
      return `  +${String(f.at).padStart(4)} s  ${faultLabel(f).padEnd(40)} ${f.seconds} s${extra}`;
    })
    .join("\n");
}
