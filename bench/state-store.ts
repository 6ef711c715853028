// `statestore`: save and get through the sidecar's state API to Redis.

import { settle, waitForSubscriber } from "./distributed.ts";
import { type Benchmark, P, row, wants } from "./harness.ts";
import { round } from "./load.ts";
import { summarize } from "./report.ts";
import { daprPort, log } from "./stack.ts";

export const stateStore: Benchmark = {
  name: "statestore",
  run: async () => {
    // The recurring instances' events must be through first: this measures the state store.
    if (wants("recurring")) await waitForSubscriber(180_000);
    // ... and their reminders, and the consumers' own catching up (they share the sidecars' Redis).
    log(`statestore: waited ${Math.round((await settle(180_000)) / 1000)} s for a quiet stack`);
    await benchStateStore();
  },
};

async function benchStateStore(): Promise<void> {
  const base = `http://127.0.0.1:${daprPort("notification-service")}/v1.0/state/todo-statestore`;
  const saves: number[] = [];
  const gets: number[] = [];
  for (let i = 0; i < P.stateOps; i++) {
    const key = `bench-${i % 100}`;
    let t = performance.now();
    const saved = await fetch(base, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify([{ key, value: { attempts: i, status: "delivered", at: Date.now() } }]),
    });
    await saved.body?.cancel();
    saves.push(performance.now() - t);
    if (saved.status !== 204) throw new Error(`state save answered ${saved.status}`);
    t = performance.now();
    const read = await fetch(`${base}/${key}`);
    await read.json();
    gets.push(performance.now() - t);
  }
  const s = summarize(saves.slice(50));
  const g = summarize(gets.slice(50));
  row(
    "statestore_p99_ms",
    round(Math.max(s.p99, g.p99), 2),
    "ms",
    "<= 5",
    "distributed",
    `${P.stateOps} saves and ${P.stateOps} gets in turn on a quiet stack, app → daprd HTTP → Redis (first 50 dropped); save p50 ${round(s.p50, 2)} / p99 ${round(s.p99, 2)} ms, get p50 ${round(g.p50, 2)} / p99 ${round(g.p99, 2)} ms`,
  );
}
