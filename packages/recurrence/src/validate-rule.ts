import type { CronExpression } from "cron-parser";
import type { Zone } from "luxon";
import { parseCron } from "./cron-expression.ts";
import { RECURRENCE_PATTERNS, type RecurrenceRule, type RuleProblem } from "./recurrence-rule.ts";
import { zoneFor } from "./time-zone.ts";

export interface InspectedRule {
  problems: RuleProblem[];
  zone: Zone | null;
  cron: CronExpression | null;
}

const isWholeAtLeastOne = (value: unknown): boolean =>
  typeof value === "number" && Number.isSafeInteger(value) && value >= 1;

const isValidDate = (value: unknown): value is Date =>
  value instanceof Date && !Number.isNaN(value.getTime());

/** Checks a rule and keeps what checking built (zone, parsed cron) so evaluation need not redo it. */
export function inspectRule(rule: RecurrenceRule): InspectedRule {
  const problems: RuleProblem[] = [];
  const isCustom = rule.pattern === "custom";

  if (!RECURRENCE_PATTERNS.includes(rule.pattern)) {
    problems.push({ field: "pattern", message: `must be one of ${RECURRENCE_PATTERNS.join(", ")}` });
  }

  const zone = zoneFor(rule.timezone);
  if (zone === null) problems.push({ field: "timezone", message: `unknown time zone "${rule.timezone}"` });

  if (!isValidDate(rule.anchor)) problems.push({ field: "anchor", message: "must be a valid date" });

  if (rule.interval != null && !isWholeAtLeastOne(rule.interval)) {
    problems.push({ field: "interval", message: "must be a whole number of at least 1" });
  } else if (isCustom && rule.interval != null && rule.interval !== 1) {
    problems.push({
      field: "interval",
      message: "does not apply to custom rules; put the step in the cron expression",
    });
  }

  if (rule.weekdays != null && rule.weekdays.length > 0) {
    if (rule.pattern !== "weekly") {
      problems.push({ field: "weekdays", message: "only apply to weekly rules" });
    } else if (!rule.weekdays.every((day) => Number.isInteger(day) && day >= 1 && day <= 7)) {
      problems.push({ field: "weekdays", message: "must be ISO weekdays, 1 (Monday) to 7 (Sunday)" });
    }
  }

  let cron: CronExpression | null = null;
  const hasCron =
    rule.cronExpression != null &&
    !(typeof rule.cronExpression === "string" && rule.cronExpression.trim() === "");
  if (isCustom && !hasCron) {
    problems.push({ field: "cron_expression", message: "is required for custom rules" });
  } else if (isCustom) {
    const parsed = parseCron(rule.cronExpression ?? "", zone === null ? "UTC" : rule.timezone);
    if (parsed.ok) cron = parsed.expression;
    else problems.push({ field: "cron_expression", message: parsed.message });
  } else if (hasCron) {
    problems.push({ field: "cron_expression", message: "only applies to custom rules" });
  }

  if (rule.endsAt != null) {
    if (!isValidDate(rule.endsAt)) problems.push({ field: "ends_at", message: "must be a valid date" });
    else if (isValidDate(rule.anchor) && rule.endsAt < rule.anchor) {
      problems.push({ field: "ends_at", message: "must not be before the anchor" });
    }
  }

  if (rule.count != null && !isWholeAtLeastOne(rule.count)) {
    problems.push({ field: "count", message: "must be a whole number of at least 1" });
  }

  return { problems, zone, cron };
}

/** Everything wrong with a rule, one entry per problem; empty when the rule can be evaluated. */
export function validateRule(rule: RecurrenceRule): RuleProblem[] {
  return inspectRule(rule).problems;
}
