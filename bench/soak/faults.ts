// Runs the fault schedule against the cluster: each fault at its time (faults on different parts
// overlap), its window (from the fault to the part being back) kept for the invariant checks, and
// after each one the recovery time: until a task created through the API has reached both
// consumers (notification-service and audit-service) again.
import { log } from "../stack.ts";
import * as cluster from "./cluster.ts";
import type { Client, SoakUser } from "./load.ts";
import { type Fault, faultLabel } from "./schedule.ts";

export interface FaultWindow {
  fault: Fault;
  label: string;
  /** When the fault was done (ms since the epoch). */
  from: number;
  /** When the part was back (restarted, started, resumed, the replica phase over). */
  to: number;
  /** From `to` until a canary task's event had reached every consumer; null if it never did. */
  recoveryMs: number | null;
  error?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function inject(fault: Fault): Promise<{ from: number; to: number }> {
  const wait = fault.seconds * 1000;
  const from = Date.now();
  /** The part down, the fault's seconds, the part back. */
  const outage = async (down: () => unknown, up: () => unknown) => {
    await down();
    await sleep(wait);
    await up();
  };
  switch (fault.kind) {
    case "kill-app":
      await outage(
        () => cluster.killApp(fault.target),
        () => cluster.startApp(fault.target),
      );
      break;
    case "kill-sidecar":
      await outage(
        () => cluster.killSidecar(fault.target),
        () => cluster.startSidecar(fault.target),
      );
      break;
    case "stop":
      await outage(
        () => cluster.stopInfrastructure(fault.target),
        () => cluster.startInfrastructure(fault.target),
      );
      break;
    case "pause":
      await outage(
        () => cluster.pause(fault.target, fault.sidecar, "SIGSTOP"),
        () => cluster.pause(fault.target, fault.sidecar, "SIGCONT"),
      );
      break;
    case "replica": {
      await cluster.startApp(fault.target, 1);
      await cluster.startSidecar(fault.target, 1);
      await sleep(wait);
      // The window of a replica phase is the kill and what follows it.
      const killedAt = Date.now();
      if (fault.victim === "second") {
        await cluster.killApp(fault.target, 1);
        await cluster.killSidecar(fault.target, 1);
        await cluster.stopReplica(fault.target, 1);
      } else {
        await cluster.killApp(fault.target, 0);
        await cluster.killSidecar(fault.target, 0);
        await cluster.startApp(fault.target, 0);
        await cluster.startSidecar(fault.target, 0);
        await cluster.stopReplica(fault.target, 1);
      }
      return { from: killedAt, to: Date.now() };
    }
  }
  return { from, to: Date.now() };
}

/** Until a new task's `task.created` event is processed by both consumers; null after `timeoutMs`. */
export async function canary(
  client: Client,
  user: SoakUser,
  processed: (taskId: number) => Promise<boolean>,
  timeoutMs: number,
): Promise<number | null> {
  const start = Date.now();
  let id: number | undefined;
  while (Date.now() - start < timeoutMs) {
    if (id === undefined) {
      const answer = await client.call(
        user.id,
        "canary",
        "POST",
        `/api/${user.id}/tasks`,
        { title: "canary" },
        user.token,
      );
      if (answer.status === 201) id = answer.json!.id as number;
    } else if (await processed(id).catch(() => false)) return Date.now() - start;
    await sleep(250);
  }
  return null;
}

/**
 * Runs every fault at its time from `startedAt`; answers when all are over (each part back and
 * its canary through, or given up on after `recoveryTimeoutMs`).
 */
export async function runFaults(
  faults: Fault[],
  startedAt: number,
  measureRecovery: () => Promise<number | null>,
): Promise<FaultWindow[]> {
  const windows: FaultWindow[] = [];
  await Promise.all(
    faults.map(async (fault) => {
      await sleep(Math.max(0, startedAt + fault.at * 1000 - Date.now()));
      const label = faultLabel(fault);
      log(`fault: ${label} for ${fault.seconds} s`);
      try {
        const { from, to } = await inject(fault);
        const recoveryMs = await measureRecovery();
        log(`fault over: ${label}; recovered ${recoveryMs === null ? "never" : `in ${recoveryMs} ms`}`);
        windows.push({ fault, label, from, to, recoveryMs });
      } catch (error) {
        log(`fault ${label} failed: ${(error as Error).message}`);
        windows.push({
          fault,
          label,
          from: Date.now(),
          to: Date.now(),
          recoveryMs: null,
          error: String(error),
        });
      }
    }),
  );
  return windows.sort((a, b) => a.from - b.from);
}
