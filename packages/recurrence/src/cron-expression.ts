import { type CronExpression, CronExpressionParser } from "cron-parser";

export type ParsedCron = { ok: true; expression: CronExpression } | { ok: false; message: string };

// `H` is Jenkins-style jitter, re-randomised on every parse: next_occurrence would wander.
// Matched as a lone letter so that THU still passes.
const JITTER = /(^|[^a-z])h($|[^a-z])/i;

/**
 * Parses a standard five-field cron read in `timezone`. cron-parser alone would also take a
 * seconds field, `@daily`-style macros and even an empty string (every minute), so those are
 * rejected here first.
 */
export function parseCron(source: string, timezone: string): ParsedCron {
  if (typeof source !== "string") return { ok: false, message: "must be a string" };
  const fields = source.trim().split(/\s+/);
  if (fields.length !== 5 || fields[0] === "") {
    return { ok: false, message: "must have five fields: minute hour day-of-month month day-of-week" };
  }
  if (fields.some((field) => JITTER.test(field))) {
    return { ok: false, message: "the H (random jitter) extension is not supported" };
  }
  try {
    return { ok: true, expression: CronExpressionParser.parse(fields.join(" "), { tz: timezone }) };
  } catch (error) {
    // cron-parser reports every syntax problem by throwing; its message is the useful part.
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

export function isValidCron(source: string): boolean {
  return parseCron(source, "UTC").ok;
}
