import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  InvalidRecurrenceRuleError,
  isValidCron,
  isValidTimeZone,
  nextOccurrence,
  type RecurrenceRule,
  type RuleField,
  validateRule,
} from "../src/index.ts";

const valid: RecurrenceRule = {
  pattern: "daily",
  timezone: "Europe/Paris",
  anchor: new Date("2027-01-01T08:00:00Z"),
};
const fields = (rule: RecurrenceRule): RuleField[] => validateRule(rule).map((problem) => problem.field);

describe("validateRule", () => {
  it("accepts a well-formed rule", () => {
    assert.deepEqual(validateRule(valid), []);
    assert.deepEqual(validateRule({ ...valid, pattern: "custom", cronExpression: "0 9 * * MON-FRI" }), []);
    assert.deepEqual(
      validateRule({ ...valid, pattern: "weekly", weekdays: [1, 7], interval: 2, count: 10 }),
      [],
    );
  });

  it("names the field of each problem", () => {
    assert.deepEqual(fields({ ...valid, timezone: "Mars/Olympus_Mons" }), ["timezone"]);
    assert.deepEqual(fields({ ...valid, pattern: "custom" }), ["cron_expression"]);
    assert.deepEqual(fields({ ...valid, pattern: "custom", cronExpression: "61 * * * *" }), [
      "cron_expression",
    ]);
    assert.deepEqual(fields({ ...valid, pattern: "weekly", weekdays: [0, 8] }), ["weekdays"]);
    assert.deepEqual(fields({ ...valid, interval: 0 }), ["interval"]);
    assert.deepEqual(fields({ ...valid, interval: 1.5 }), ["interval"]);
    assert.deepEqual(fields({ ...valid, count: 0 }), ["count"]);
    assert.deepEqual(fields({ ...valid, anchor: new Date("nope") }), ["anchor"]);
    assert.deepEqual(fields({ ...valid, endsAt: new Date("2026-01-01T00:00:00Z") }), ["ends_at"]);
  });

  it("refuses options that belong to another pattern rather than ignoring them", () => {
    assert.deepEqual(fields({ ...valid, weekdays: [1] }), ["weekdays"]);
    assert.deepEqual(fields({ ...valid, cronExpression: "0 9 * * *" }), ["cron_expression"]);
    assert.deepEqual(fields({ ...valid, pattern: "custom", cronExpression: "0 9 * * *", interval: 2 }), [
      "interval",
    ]);
  });

  it("reports every problem at once", () => {
    assert.deepEqual(
      fields({ ...valid, pattern: "custom", cronExpression: "x", timezone: "Nowhere", interval: -1 }),
      ["timezone", "interval", "cron_expression"],
    );
  });

  it("the occurrence functions throw a typed error carrying the problems", () => {
    assert.throws(
      () => nextOccurrence({ ...valid, timezone: "Nowhere" }, new Date()),
      (error: unknown) =>
        error instanceof InvalidRecurrenceRuleError && error.problems[0]?.field === "timezone",
    );
  });
});

describe("isValidTimeZone", () => {
  it("knows IANA names and rejects the rest", () => {
    assert.equal(isValidTimeZone("America/New_York"), true);
    assert.equal(isValidTimeZone("UTC"), true);
    assert.equal(isValidTimeZone("Mars/Olympus_Mons"), false);
    assert.equal(isValidTimeZone(""), false);
  });
});

describe("isValidCron", () => {
  it("takes standard five-field expressions", () => {
    for (const expr of [
      "0 9 * * MON",
      "*/15 * * * *",
      "0 0 1,15 * *",
      "30 2 * 1-6 1-5",
      "0 12 L * *",
      "0 8 * * THU",
    ]) {
      assert.equal(isValidCron(expr), true, expr);
    }
  });

  it("rejects what cron-parser alone would accept but is not five-field standard cron", () => {
    for (const expr of ["", "   ", "0 0 9 * * *", "@daily", "H 9 * * *", "0 9 * *"]) {
      assert.equal(isValidCron(expr), false, JSON.stringify(expr));
    }
  });

  it("rejects out-of-range and impossible expressions", () => {
    for (const expr of [
      "61 * * * *",
      "0 25 * * *",
      "0 0 30 2 *",
      "*/0 * * * *",
      "0 0 * * 8",
      "hello world",
    ]) {
      assert.equal(isValidCron(expr), false, expr);
    }
  });
});
