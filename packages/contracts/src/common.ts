import { z } from "zod";
import { lineText } from "./text.ts";

export const Id = z.coerce.number().int().positive().max(2_147_483_647);
/** An id in a JSON body: a positive PostgreSQL integer (larger numbers are not ids, and not a 500). */
export const BodyId = z.number().int().positive().max(2_147_483_647);
export const UserId = z.uuid();
/** ISO 8601 with an offset or Z; the server answers in UTC with Z. */
export const DateTime = z.iso.datetime({ offset: true });
/**
 * A date a client sends: also within the years 1000-9999 (in UTC), since the drivers read years
 * below 100 back as 19xx and a year past 9999 has no ISO 8601 form. Answers keep DateTime.
 */
export const InputDateTime = DateTime.refine((value) => {
  const year = new Date(value).getUTCFullYear();
  return year >= 1000 && year <= 9999;
}, "Must be between the years 1000 and 9999 (UTC).");
export const HexColor = z.string().regex(/^#[0-9A-Fa-f]{6}$/, "Must be a hex color, like #3B82F6.");

export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}
export const TimeZone = lineText(64)
  .min(1)
  .refine(isTimeZone, "Must be an IANA time zone, like Europe/Paris.");

export const UserParams = z.object({ user_id: z.string() });
export const UserItemParams = UserParams.extend({ id: Id });

/** `cursor=`: page.next_cursor of the page before, as given. */
export const CursorParam = lineText(500).optional();

export const PageInfo = z.object({
  limit: z.number().int(),
  offset: z.number().int(),
  total: z.number().int(),
  /** The offset of the next page, or null on the last one; unstable when the list changes meanwhile. */
  next_offset: z.number().int().nullable(),
  /**
   * Opaque keyset cursor (on the sort key and id) for the next page, or null on the last one: each
   * row that exists throughout is shown exactly once, whatever is created or deleted meanwhile.
   */
  next_cursor: z.string().nullable(),
});
export type PageInfo = z.infer<typeof PageInfo>;
