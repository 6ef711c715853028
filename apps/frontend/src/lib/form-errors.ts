import type { ZodError } from "zod";
import { ApiError, describeError } from "./api-client";

/** Field name → message. The key "" holds what belongs to no field of the form. */
export type FieldErrors = Record<string, string>;

/** Top-level field of a path such as "tag_ids.0" or "body.title". */
function fieldOf(path: string, known: readonly string[]): string | null {
  const segments = path.split(".");
  for (const segment of segments) if (known.includes(segment)) return segment;
  return null;
}

export function zodErrors(error: ZodError, known: readonly string[]): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const field = fieldOf(issue.path.map(String).join("."), known) ?? "";
    out[field] ??= issue.message;
  }
  return out;
}

/** Maps a failed call's `errors[].field` onto the form's fields; the rest becomes the general error. */
export function apiErrors(error: unknown, known: readonly string[]): FieldErrors {
  const out: FieldErrors = {};
  if (error instanceof ApiError) {
    for (const { field, message } of error.fieldErrors) {
      const name = fieldOf(field, known);
      if (name) out[name] ??= message;
    }
    if (Object.keys(out).length === 0 || error.fieldErrors.some((e) => !fieldOf(e.field, known))) {
      out[""] = describeError(error);
    }
    return out;
  }
  out[""] = describeError(error);
  return out;
}
