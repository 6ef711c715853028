import { z } from "zod";

// What people read, on the server (problem+json `errors[].message`) and in the browser (under a
// form field): one sentence each, instead of zod's "Too small: expected string to have >=1
// characters". A message given in a schema (`.min(1, "…")`, `.refine(…, "…")`) still wins.

const typeNames: Record<string, string> = {
  string: "text",
  number: "a number",
  int: "a whole number",
  bigint: "a whole number",
  boolean: "true or false",
  array: "a list",
  object: "an object",
  date: "a date",
  null: "null",
};

const formatExamples: Record<string, string> = {
  email: "an e-mail address, like ada@example.com",
  url: "a URL, like https://example.com",
  datetime: "a date and time, like 2027-01-15T09:00:00Z",
  date: "a date, like 2027-01-15",
  time: "a time, like 09:00",
  uuid: "a UUID",
  regex: "in the expected format",
};

function received(input: unknown): string {
  if (input === null) return "null";
  if (Array.isArray(input)) return "a list";
  if (typeof input === "string") return "text";
  if (typeof input === "number") return Number.isFinite(input) ? "a number" : String(input);
  if (typeof input === "boolean") return "true or false";
  return typeof input === "object" ? "an object" : typeof input;
}

const plural = (n: number | bigint, one: string, many: string) => `${n} ${Number(n) === 1 ? one : many}`;
const sizeUnits: Record<string, [string, string]> = {
  string: ["character", "characters"],
  array: ["item", "items"],
  set: ["item", "items"],
};

/**
 * zod's issues as sentences (zod 4 `customError`). Numbers are bounds as given in the schema;
 * strings count UTF-16 code units, as zod does.
 */
export const humanErrorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case "invalid_type":
      if (issue.input === undefined) return "Required.";
      if (issue.expected === "int" && typeof issue.input === "number") return "Must be a whole number.";
      return `Must be ${typeNames[issue.expected] ?? issue.expected}, not ${received(issue.input)}.`;
    case "too_small": {
      const unit = sizeUnits[issue.origin];
      const n = issue.minimum;
      if (unit) {
        if (Number(n) === 1 && issue.origin === "string") return "Must not be empty.";
        if (Number(n) === 1) return "Must have at least one item.";
        const verb = issue.origin === "string" ? "be" : "have";
        return `Must ${verb} ${issue.exact ? "exactly" : "at least"} ${plural(n, ...unit)}.`;
      }
      return issue.inclusive ? `Must be ${n} or more.` : `Must be more than ${n}.`;
    }
    case "too_big": {
      const unit = sizeUnits[issue.origin];
      const n = issue.maximum;
      if (unit) {
        const verb = issue.origin === "string" ? "be" : "have";
        return `Must ${verb} ${issue.exact ? "exactly" : "at most"} ${plural(n, ...unit)}.`;
      }
      return issue.inclusive ? `Must be ${n} or less.` : `Must be less than ${n}.`;
    }
    case "invalid_format":
      if (issue.format === "starts_with")
        return `Must start with "${(issue as { prefix?: string }).prefix}".`;
      return `Must be ${formatExamples[issue.format] ?? `a valid ${issue.format}`}.`;
    case "invalid_value":
      if (issue.values.length === 1) return `Must be ${JSON.stringify(issue.values[0])}.`;
      return `Must be one of: ${issue.values.map((v) => String(v)).join(", ")}.`;
    case "not_multiple_of":
      return `Must be a multiple of ${issue.divisor}.`;
    case "unrecognized_keys":
      return `Unknown field${issue.keys.length > 1 ? "s" : ""}: ${issue.keys.join(", ")}.`;
    case "invalid_union":
      return "Does not match any accepted form.";
    case "invalid_key":
      return "Contains a key that is not allowed.";
    case "invalid_element":
      return "Contains a value that is not allowed.";
    default:
      return "Is not valid.";
  }
};

// Installed when the contracts are imported, so the server's validation and the browser's forms
// (which both import their schemas from here) say the same thing.
z.config({ customError: humanErrorMap });
