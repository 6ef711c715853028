import { sampleTask } from "@todo/contracts/testing";
import type { DatabaseHandle } from "@todo/db";
import { createTestUser } from "@todo/db/testing";
import { silentLog } from "@todo/server";
import type { BulkEntry, EventTransport, FailedEntry, OutboundEvent } from "../src/transport.ts";

export const quietLog = silentLog;

export async function createUser(database: DatabaseHandle, name = "u"): Promise<string> {
  return (await createTestUser(database, name)).id;
}

/** A transport that records what it is given, and fails while `down` is true. */
export function recordingTransport() {
  const received: OutboundEvent[] = [];
  const state = { down: false, calls: 0 };
  const transport: EventTransport = {
    name: "recording",
    async publish(message) {
      state.calls += 1;
      if (state.down) throw new Error("broker unavailable");
      received.push(message);
    },
  };
  return { transport, received, state };
}

/**
 * A transport with a bulk publish, as Dapr's: it records each call's entries. `fail(entry)` names
 * an entry that does not go out (its error), and while `down` is true every call throws.
 */
export function recordingBulkTransport() {
  const received: OutboundEvent[] = [];
  const calls: BulkEntry[][] = [];
  const state: {
    down: boolean;
    fail: (entry: BulkEntry) => string | undefined;
    /** Extra entry ids the answer names as failed (a broken answer). */
    alsoNamed: string[];
    /** The most calls in flight at once (each call takes a turn of the event loop). */
    mostInFlight: number;
  } = { down: false, fail: () => undefined, alsoNamed: [], mostInFlight: 0 };
  let inFlight = 0;
  const transport: EventTransport = {
    name: "recording-bulk",
    async publish() {
      throw new Error("a transport with publishBulk is given every event through it");
    },
    async publishBulk(entries) {
      calls.push(entries);
      inFlight += 1;
      state.mostInFlight = Math.max(state.mostInFlight, inFlight);
      try {
        await new Promise((resolve) => setImmediate(resolve));
        if (state.down) throw new Error("broker unavailable");
        const failed: FailedEntry[] = state.alsoNamed.map((entryId) => ({ entryId, error: "?" }));
        for (const entry of entries) {
          const error = state.fail(entry);
          if (error === undefined) received.push(entry);
          else failed.push({ entryId: entry.entryId, error });
        }
        return failed;
      } finally {
        inFlight -= 1;
      }
    },
  };
  return { transport, received, calls, state };
}

export function taskSnapshot(userId: string, id: number) {
  return sampleTask(userId, id, { title: `task ${id}` });
}

/** Outbox rows not yet published. */
export async function pendingCount(database: DatabaseHandle): Promise<number> {
  const rows = await database.db
    .selectFrom("outbox")
    .select("id")
    .where("published_at", "is", null)
    .execute();
  return rows.length;
}
