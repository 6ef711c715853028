/**
 * The wait before retry number `attempt` (1 for the first): exponential from `baseMs` up to
 * `maxMs`, half of it fixed and half random, so retries from many places spread out instead of
 * arriving in step.
 */
export function jitteredBackoffMs(attempt: number, baseMs: number, maxMs: number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt - 1, 30));
  return ceiling / 2 + Math.random() * (ceiling / 2);
}
