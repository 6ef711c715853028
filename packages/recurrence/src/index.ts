export { nextAfterCompletion } from "./after-completion.ts";
export { latestOccurrenceAtOrBefore, missedOccurrences } from "./catch-up.ts";
export { isValidCron } from "./cron-expression.ts";
export { InvalidRecurrenceRuleError } from "./invalid-rule-error.ts";
export { LAST_OCCURRENCE_MS, occurrencesBetween, previewOccurrences } from "./list-occurrences.ts";
export { nextOccurrence } from "./next-occurrence.ts";
export { LAST_INSTANT_MS } from "./occurrence-schedule.ts";
export {
  RECURRENCE_PATTERNS,
  type RecurrencePattern,
  type RecurrenceRule,
  type RuleField,
  type RuleProblem,
} from "./recurrence-rule.ts";
export { isValidTimeZone } from "./time-zone.ts";
export { validateRule } from "./validate-rule.ts";
