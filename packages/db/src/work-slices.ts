import { setImmediate as nextTurn } from "node:timers/promises";

/**
 * How background work (the scheduler, the outbox relay, its subscriptions) shares the process with
 * requests. On PGlite each statement runs synchronously (WebAssembly) on the event loop and its
 * promises settle as microtasks, so a chain of statements never lets the loop turn: a catch-up of
 * a thousand instances would answer no request, not even `/healthz`, until it ends. There the
 * background work runs in time slices: it calls `pause()` between small units of work (one
 * transaction, one event), and once a slice has run `sliceMs` the loop turns, polls for I/O and
 * serves what came in before the work goes on. On a PostgreSQL server the statements run off the
 * loop (`onLoop` false): `pause()` answers at once and the work keeps its larger batches.
 */
export interface WorkSlices {
  /** Whether background work shares the event loop with requests (PGlite). */
  readonly onLoop: boolean;
  /** Milliseconds of work per slice before the event loop turns; Infinity off the loop. */
  readonly sliceMs: number;
  /**
   * Between two units of work, never inside a transaction (a transaction holds PGlite's one
   * connection through the pause). Resolves at once while the slice lasts; once it is spent,
   * after the event loop has polled for I/O (two `setImmediate` turns: the first may run in the
   * same loop iteration's check phase when called from an I/O callback). Callers that pause while
   * a turn is under way join it, so every background chain stops and the loop really turns.
   */
  pause(): Promise<void>;
}

/** A slice of ~15 ms: a request waits at most about one slice (plus the unit in progress). */
export const DEFAULT_SLICE_MS = 15;

/** For a database off the event loop: no slices. */
export const OFF_LOOP: WorkSlices = {
  onLoop: false,
  sliceMs: Number.POSITIVE_INFINITY,
  pause: () => Promise.resolve(),
};

/** Time slices of `sliceMs` milliseconds, shared by every background chain given the same object. */
export function timeSlices(sliceMs = DEFAULT_SLICE_MS): WorkSlices {
  let sliceStart = performance.now();
  let turning: Promise<void> | undefined;
  return {
    onLoop: true,
    sliceMs,
    pause() {
      if (turning) return turning;
      if (performance.now() - sliceStart < sliceMs) return Promise.resolve();
      turning = (async () => {
        await nextTurn();
        await nextTurn();
        sliceStart = performance.now();
        turning = undefined;
      })();
      return turning;
    },
  };
}
