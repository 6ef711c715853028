import { type CreateTagBody, ServiceError, type Tag, type UpdateTagBody } from "@todo/contracts";
import { sql } from "kysely";
import type { ServiceContext } from "./context.ts";

export async function listTags(ctx: ServiceContext): Promise<Tag[]> {
  const rows = await ctx.db
    .selectFrom("tags as g")
    .leftJoin("task_tags as tt", "tt.tag_id", "g.id")
    .select([
      "g.id",
      "g.name",
      "g.color",
      "g.created_at",
      sql<number>`count(tt.task_id)::int`.as("task_count"),
    ])
    .where("g.user_id", "=", ctx.userId)
    .groupBy("g.id")
    .orderBy("g.name")
    .execute();
  return rows.map((r) => ({ ...r, created_at: r.created_at.toISOString() }));
}

export async function createTag(ctx: ServiceContext, input: CreateTagBody): Promise<Tag> {
  const row = await ctx.db
    .insertInto("tags")
    .values({ user_id: ctx.userId, name: input.name, ...(input.color ? { color: input.color } : {}) })
    .onConflict((oc) => oc.columns(["user_id", "name"]).doNothing())
    .returning(["id", "name", "color", "created_at"])
    .executeTakeFirst();
  if (!row) throw nameTaken(input.name);
  return { ...row, task_count: 0, created_at: row.created_at.toISOString() };
}

export async function updateTag(ctx: ServiceContext, tagId: number, patch: UpdateTagBody): Promise<Tag> {
  try {
    const row = await ctx.db
      .updateTable("tags")
      .set({ ...(patch.name ? { name: patch.name } : {}), ...(patch.color ? { color: patch.color } : {}) })
      .where("user_id", "=", ctx.userId)
      .where("id", "=", tagId)
      .returning("id")
      .executeTakeFirst();
    if (!row) throw ServiceError.notFound("tag");
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken(patch.name ?? "");
    throw error;
  }
  const tag = (await listTags(ctx)).find((t) => t.id === tagId);
  return tag!;
}

export async function deleteTag(ctx: ServiceContext, tagId: number): Promise<void> {
  const result = await ctx.db
    .deleteFrom("tags")
    .where("user_id", "=", ctx.userId)
    .where("id", "=", tagId)
    .executeTakeFirst();
  if (result.numDeletedRows === 0n) throw ServiceError.notFound("tag");
}

function nameTaken(name: string): ServiceError {
  return new ServiceError("tag_name_taken", `you already have a tag named "${name}"`, [
    { field: "name", message: "already taken" },
  ]);
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: string }).code === "23505";
}
