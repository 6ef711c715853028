import { z } from "zod";
import { BodyId, CursorParam, DateTime, Id, InputDateTime, PageInfo } from "./common.ts";
import { Priority } from "./priorities.ts";
import { TagSummary } from "./tags.ts";
import { freeText, lineText, nameText } from "./text.ts";

export const TaskTitle = nameText(200);
export const TaskDescription = freeText(10_000).nullable();
/** Minutes before the due date; at most a year. */
export const ReminderOffsets = z
  .array(z.number().int().min(0).max(525_600))
  .max(10)
  .refine((offsets) => new Set(offsets).size === offsets.length, "Each offset may appear only once.");
export const TagIds = z
  .array(BodyId)
  .max(20)
  .refine((ids) => new Set(ids).size === ids.length, "Each tag may appear only once.");

export const CreateTaskBody = z.strictObject({
  title: TaskTitle,
  description: TaskDescription.optional(),
  priority_id: BodyId.optional(),
  tag_ids: TagIds.optional(),
  due_date: InputDateTime.nullable().optional(),
  reminder_offsets_minutes: ReminderOffsets.nullable().optional(),
});
export type CreateTaskBody = z.infer<typeof CreateTaskBody>;

/** Fields that are present are changed; absent ones are kept. `null` clears a nullable field. */
export const UpdateTaskBody = CreateTaskBody.partial().extend({ completed: z.boolean().optional() });
export type UpdateTaskBody = z.infer<typeof UpdateTaskBody>;

/** PATCH …/complete: the state wanted; without a body the state flips (the seed's toggle). */
export const CompleteTaskBody = z.strictObject({ completed: z.boolean() }).nullish();

export const Task = z.object({
  id: z.number().int(),
  user_id: z.string(),
  title: z.string(),
  description: z.string().nullable(),
  completed: z.boolean(),
  completed_at: DateTime.nullable(),
  due_date: DateTime.nullable(),
  priority_id: z.number().int(),
  priority: Priority,
  tags: z.array(TagSummary),
  recurring_task_id: z.number().int().nullable(),
  reminder_offsets_minutes: z.array(z.number().int()).nullable(),
  /** Goes up by one with every change; the ETag is "<version>", If-Match takes it back. */
  version: z.number().int(),
  created_at: DateTime,
  updated_at: DateTime,
});
export type Task = z.infer<typeof Task>;

export const TaskSort = z.enum(["created_at", "due_date", "priority", "title"]);
export const SortOrder = z.enum(["asc", "desc"]);

export const ListTasksQuery = z.strictObject({
  status: z.enum(["pending", "completed"]).optional(),
  priority_id: Id.optional(),
  tag_id: Id.optional(),
  recurring_task_id: Id.optional(),
  due_before: InputDateTime.optional(),
  due_after: InputDateTime.optional(),
  search: lineText(200).trim().min(1).optional(),
  sort: TaskSort.default("created_at"),
  order: SortOrder.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  cursor: CursorParam,
});
export type ListTasksQuery = z.infer<typeof ListTasksQuery>;

export const TaskList = z.object({ items: z.array(Task), page: PageInfo });
export type TaskList = z.infer<typeof TaskList>;
