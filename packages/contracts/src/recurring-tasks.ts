import { z } from "zod";
import { BodyId, DateTime, InputDateTime, TimeZone } from "./common.ts";
import { freeText, lineText, nameText } from "./text.ts";

export const RecurrencePattern = z.enum(["daily", "weekly", "monthly", "yearly", "custom"]);
export type RecurrencePattern = z.infer<typeof RecurrencePattern>;
export const CatchUpPolicy = z.enum(["latest", "all"]);

const templateFields = {
  template_title: nameText(200),
  template_description: freeText(10_000).nullable().optional(),
  recurrence_pattern: RecurrencePattern,
  /** Five-field cron, required for the custom pattern. */
  cron_expression: lineText(100).trim().nullable().optional(),
  /** Every N days, weeks, months or years. */
  interval: z.number().int().min(1).max(1000).optional(),
  /** ISO weekdays (1 = Monday … 7 = Sunday), for the weekly pattern. */
  weekdays: z.array(z.number().int().min(1).max(7)).min(1).max(7).nullable().optional(),
  timezone: TimeZone.optional(),
  /** The first occurrence; optional for a custom pattern, whose first match after now is used. */
  next_occurrence: InputDateTime.optional(),
  ends_at: InputDateTime.nullable().optional(),
  max_occurrences: z.number().int().min(1).max(100_000).nullable().optional(),
  catch_up: CatchUpPolicy.optional(),
  priority_id: BodyId.optional(),
  is_active: z.boolean().optional(),
};

export const CreateRecurringTaskBody = z.strictObject(templateFields);
export type CreateRecurringTaskBody = z.infer<typeof CreateRecurringTaskBody>;
export const UpdateRecurringTaskBody = z.strictObject(templateFields).partial();
export type UpdateRecurringTaskBody = z.infer<typeof UpdateRecurringTaskBody>;

export const RecurringTask = z.object({
  id: z.number().int(),
  user_id: z.string(),
  template_title: z.string(),
  template_description: z.string().nullable(),
  recurrence_pattern: RecurrencePattern,
  cron_expression: z.string().nullable(),
  interval: z.number().int(),
  weekdays: z.array(z.number().int()).nullable(),
  timezone: z.string(),
  next_occurrence: DateTime,
  ends_at: DateTime.nullable(),
  max_occurrences: z.number().int().nullable(),
  occurrences_created: z.number().int(),
  catch_up: CatchUpPolicy,
  priority_id: z.number().int(),
  is_active: z.boolean(),
  /** Goes up by one with every change; the ETag is "<version>", If-Match takes it back. */
  version: z.number().int(),
  created_at: DateTime,
  updated_at: DateTime,
});
export type RecurringTask = z.infer<typeof RecurringTask>;
export const RecurringTaskList = z.object({ items: z.array(RecurringTask) });

export const PreviewQuery = z.strictObject({ count: z.coerce.number().int().min(1).max(100).default(5) });
export const Preview = z.object({ occurrences: z.array(DateTime) });
