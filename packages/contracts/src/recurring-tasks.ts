import { z } from "zod";
import { BodyId, DateTime, InputDateTime, TimeZone } from "./common.ts";
import { ReminderOffsets } from "./tasks.ts";
import { freeText, lineText, nameText } from "./text.ts";

export const RecurrencePattern = z.enum(["daily", "weekly", "monthly", "yearly", "custom"]);
export type RecurrencePattern = z.infer<typeof RecurrencePattern>;
export const CatchUpPolicy = z.enum(["latest", "all"]);
/** `schedule`: instances at the rule's times; `completion`: the next one at completion + interval (Todoist's `every!`). */
export const RepeatFrom = z.enum(["schedule", "completion"]);
/** How long before it is due each instance is created; at most a week. */
export const LeadTimeMinutes = z.number().int().min(0).max(10_080);

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
  /**
   * The first occurrence (the series' anchor, like iCalendar's DTSTART); optional for a custom
   * pattern, whose first match after now is used. On update, a different value moves the anchor.
   */
  next_occurrence: InputDateTime.optional(),
  ends_at: InputDateTime.nullable().optional(),
  max_occurrences: z.number().int().min(1).max(100_000).nullable().optional(),
  catch_up: CatchUpPolicy.optional(),
  priority_id: BodyId.optional(),
  is_active: z.boolean().optional(),
  repeat_from: RepeatFrom.optional(),
  /** Inherited by each instance: minutes before its due time (0 = at due time). */
  reminder_offsets_minutes: ReminderOffsets.nullable().optional(),
  lead_time_minutes: LeadTimeMinutes.optional(),
};

export const CreateRecurringTaskBody = z.strictObject(templateFields);
export type CreateRecurringTaskBody = z.infer<typeof CreateRecurringTaskBody>;
/**
 * Fields that are present and differ from the template's are changed; a field sent back as GET
 * returned it changes nothing. Only a change of timing (pattern, interval, weekdays, cron, zone,
 * anchor) re-plans the series. `create_missed` with `is_active: true` on a paused template also
 * creates the occurrences that fell inside the pause (per its catch_up policy); without it they
 * are skipped.
 */
export const UpdateRecurringTaskBody = z
  .strictObject(templateFields)
  .partial()
  .extend({ create_missed: z.boolean().optional() });
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
  /** The series' anchor (DTSTART): its rule's first occurrence, in `timezone`'s local time. */
  anchor_at: DateTime,
  next_occurrence: DateTime,
  ends_at: DateTime.nullable(),
  max_occurrences: z.number().int().nullable(),
  occurrences_created: z.number().int(),
  catch_up: CatchUpPolicy,
  priority_id: z.number().int(),
  is_active: z.boolean(),
  repeat_from: RepeatFrom,
  reminder_offsets_minutes: z.array(z.number().int()).nullable(),
  lead_time_minutes: z.number().int(),
  /** Goes up by one with every change; the ETag is "<version>", If-Match takes it back. */
  version: z.number().int(),
  created_at: DateTime,
  updated_at: DateTime,
});
export type RecurringTask = z.infer<typeof RecurringTask>;
export const RecurringTaskList = z.object({ items: z.array(RecurringTask) });

export const PreviewQuery = z.strictObject({ count: z.coerce.number().int().min(1).max(100).default(5) });
export const Preview = z.object({ occurrences: z.array(DateTime) });
