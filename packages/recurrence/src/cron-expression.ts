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
  if (typeof source !== "string") return { ok: false, message: "Must be text." };
  const fields = source.trim().split(/\s+/);
  if (fields.length !== 5 || fields[0] === "") {
    return { ok: false, message: "Must have five fields: minute, hour, day of month, month, day of week." };
  }
  if (fields.some((field) => JITTER.test(field))) {
    return { ok: false, message: "The H (random jitter) extension is not supported." };
  }
  try {
    return { ok: true, expression: CronExpressionParser.parse(fields.join(" "), { tz: timezone }) };
  } catch (error) {
    return { ok: false, message: explainCronError(fields, error) };
  }
}

const FIELD_NAMES = ["minute", "hour", "day of month", "month", "day of week"] as const;

/**
 * cron-parser's messages ("Constraint error, got value 61 expected range 0-59") as a sentence that
 * names the field: each field is parsed alone, the others `*`, to find the one at fault.
 */
function explainCronError(fields: string[], error: unknown): string {
  for (const [index, name] of FIELD_NAMES.entries()) {
    const alone = FIELD_NAMES.map((_, i) => (i === index ? fields[index] : "*")).join(" ");
    try {
      CronExpressionParser.parse(alone);
    } catch (fieldError) {
      const message = fieldError instanceof Error ? fieldError.message : String(fieldError);
      const value = fields[index];
      const range = /expected range (\d+)-(\d+)/.exec(message);
      if (range) return `The ${name} must be between ${range[1]} and ${range[2]} ("${value}" is not).`;
      if (/cannot repeat at every 0/.test(message))
        return `The ${name}'s step must be at least 1 ("${value}").`;
      if (/Invalid range/.test(message)) return `The ${name} range "${value}" must go from low to high.`;
      return `The ${name} "${value}" is not a number, name, range, list or step cron accepts.`;
    }
  }
  return `Is not a cron expression cron-parser accepts: ${error instanceof Error ? error.message : String(error)}`;
}

export function isValidCron(source: string): boolean {
  return parseCron(source, "UTC").ok;
}
