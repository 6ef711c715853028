// The contract's zod schemas validate our forms, but zod and the schemas weigh ~34 KiB gzip: more
// than all of our own code. They load on their own, after first paint, instead of blocking it.
export type Contracts = typeof import("@todo/contracts");

let loading: Promise<Contracts> | null = null;

export function loadContracts(): Promise<Contracts> {
  loading ??= import("@todo/contracts");
  return loading;
}

/** Starts the download when the browser is idle, so the first submit does not wait for it. */
export function preloadContracts(): void {
  if (typeof window === "undefined") return;
  const start = () => void loadContracts().catch(() => {});
  if ("requestIdleCallback" in window) window.requestIdleCallback(start, { timeout: 2_000 });
  else setTimeout(start, 200);
}
