import assert from "node:assert/strict";
import { test } from "node:test";
import { apps, describeSchedule, faultSchedule, infrastructure } from "./schedule.ts";

test("the schedule is a function of the seed: the same seed gives the same faults, another seed others", () => {
  const a = faultSchedule({ seed: 42, loadSeconds: 1800, quick: false });
  assert.deepEqual(faultSchedule({ seed: 42, loadSeconds: 1800, quick: false }), a);
  assert.notDeepEqual(faultSchedule({ seed: 43, loadSeconds: 1800, quick: false }), a);
  assert.equal(describeSchedule(a).split("\n").length, a.length);
});

test("a long run hits every kind, every app and every infrastructure part, within the run", () => {
  const faults = faultSchedule({ seed: 1, loadSeconds: 1800, quick: false });
  for (const kind of ["kill-app", "kill-sidecar", "stop", "pause", "replica"])
    assert.ok(
      faults.some((f) => f.kind === kind),
      kind,
    );
  for (const part of [...apps, ...infrastructure])
    assert.ok(
      faults.some((f) => f.target === part),
      part,
    );
  for (const f of faults) assert.ok(f.at >= 10 && f.at + f.seconds <= 1800 - 20, JSON.stringify(f));
});

test("a part is never hit by two faults at once; one replica phase at a time", () => {
  for (let seed = 0; seed < 50; seed++) {
    const faults = faultSchedule({ seed, loadSeconds: 1800, quick: false });
    for (const [i, f] of faults.entries()) {
      for (const g of faults.slice(i + 1)) {
        const overlap = g.at < f.at + f.seconds + 15;
        if (overlap) assert.notEqual(g.target, f.target, `seed ${seed}: ${JSON.stringify([f, g])}`);
        if (overlap) assert.ok(!(f.kind === "replica" && g.kind === "replica"), `seed ${seed}`);
      }
    }
  }
});

test("the quick run has one fault of each kind and stops each infrastructure part once", () => {
  for (let seed = 0; seed < 50; seed++) {
    const faults = faultSchedule({ seed, loadSeconds: 110, quick: true });
    assert.deepEqual(
      faults.map((f) => f.kind).sort(),
      ["kill-app", "kill-sidecar", "pause", "replica", "stop", "stop", "stop"],
      `seed ${seed}`,
    );
    assert.deepEqual(
      faults
        .filter((f) => f.kind === "stop")
        .map((f) => f.target)
        .sort(),
      ["kafka", "postgres", "redis"],
    );
    for (const f of faults) assert.ok(f.at + f.seconds <= 90, `seed ${seed}: ${JSON.stringify(f)}`);
  }
});
