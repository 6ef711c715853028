import type { RuleProblem } from "./recurrence-rule.ts";

/** Thrown by the occurrence functions when a rule cannot be evaluated; `problems` is `validateRule`'s output. */
export class InvalidRecurrenceRuleError extends Error {
  override readonly name = "InvalidRecurrenceRuleError";
  readonly problems: readonly RuleProblem[];

  constructor(problems: readonly RuleProblem[]) {
    super(`invalid recurrence rule: ${problems.map((p) => `${p.field} ${p.message}`).join("; ")}`);
    this.problems = problems;
  }
}
