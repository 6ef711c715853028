export type RecurrencePattern = "daily" | "weekly" | "monthly" | "yearly" | "custom";

export const RECURRENCE_PATTERNS: readonly RecurrencePattern[] = [
  "daily",
  "weekly",
  "monthly",
  "yearly",
  "custom",
];

export interface RecurrenceRule {
  pattern: RecurrencePattern;
  /** Every N days/weeks/months/years; whole number >= 1, default 1. Not for custom rules. */
  interval?: number | null;
  /** ISO weekdays, 1 = Monday .. 7 = Sunday. Weekly only; empty or absent means the anchor's weekday. */
  weekdays?: readonly number[] | null;
  /** Five-field cron (minute hour day-of-month month day-of-week), read in `timezone`. Custom only. */
  cronExpression?: string | null;
  /** IANA time zone name; every calendar computation happens in it. */
  timezone: string;
  /**
   * First occurrence / start. Gives the local time of day, the day of month, the month (yearly)
   * and the week phase (interval weeks).
   */
  anchor: Date;
  /** Last instant an occurrence may fall on (inclusive). */
  endsAt?: Date | null;
  /** Total number of occurrences, counted from the anchor (the anchor is occurrence #1). */
  count?: number | null;
}

export type RuleField =
  | "pattern"
  | "interval"
  | "weekdays"
  | "cron_expression"
  | "timezone"
  | "anchor"
  | "ends_at"
  | "count";

export interface RuleProblem {
  field: RuleField;
  message: string;
}
