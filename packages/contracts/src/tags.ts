import { z } from "zod";
import { DateTime, HexColor, Id } from "./common.ts";
import { nameText } from "./text.ts";

export const TagName = nameText(50);

export const TagSummary = z.object({ id: z.number().int(), name: z.string(), color: HexColor });
export type TagSummary = z.infer<typeof TagSummary>;

export const Tag = TagSummary.extend({
  task_count: z.number().int(),
  /** Goes up by one with every change; the ETag is "<version>", If-Match takes it back. */
  version: z.number().int(),
  created_at: DateTime,
});
export type Tag = z.infer<typeof Tag>;
export const TagList = z.object({ items: z.array(Tag) });

export const CreateTagBody = z.strictObject({ name: TagName, color: HexColor.optional() });
export type CreateTagBody = z.infer<typeof CreateTagBody>;
export const UpdateTagBody = z
  .strictObject({ name: TagName.optional(), color: HexColor.optional() })
  .refine((b) => b.name !== undefined || b.color !== undefined, "Give a name or a color.");
export type UpdateTagBody = z.infer<typeof UpdateTagBody>;

export const TagParams = z.object({ user_id: z.string(), tag_id: Id });
