import {
  assertVersion,
  type CreateTagBody,
  nameKey,
  ServiceError,
  type Tag,
  type UpdateTagBody,
} from "@todo/contracts";
import { type Executor, withTransaction } from "@todo/db";
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
      "g.version",
      "g.created_at",
      sql<number>`count(tt.task_id)::int`.as("task_count"),
    ])
    .where("g.user_id", "=", ctx.userId)
    .groupBy("g.id")
    .orderBy("g.name")
    .execute();
  return rows.map((r) => ({ ...r, created_at: r.created_at.toISOString() }));
}

/** Names are unique per user ignoring case and normalization (nameKey): "work" after "Work" is a 409. */
export async function createTag(ctx: ServiceContext, input: CreateTagBody): Promise<Tag> {
  const row = await ctx.db
    .insertInto("tags")
    .values({
      user_id: ctx.userId,
      name: input.name,
      name_key: nameKey(input.name),
      ...(input.color ? { color: input.color } : {}),
    })
    .onConflict((oc) => oc.columns(["user_id", "name_key"]).doNothing())
    .returning(["id", "name", "color", "version", "created_at"])
    .executeTakeFirst();
  if (!row) throw nameTaken(input.name);
  return { ...row, task_count: 0, created_at: row.created_at.toISOString() };
}

export async function updateTag(ctx: ServiceContext, tagId: number, patch: UpdateTagBody): Promise<Tag> {
  await withTransaction(ctx.db, async (tx) => {
    await lockTag(tx, ctx, tagId);
    if (patch.name) {
      const clash = await tx
        .selectFrom("tags")
        .select("id")
        .where("user_id", "=", ctx.userId)
        .where("name_key", "=", nameKey(patch.name))
        .where("id", "!=", tagId)
        .executeTakeFirst();
      if (clash) throw nameTaken(patch.name);
    }
    try {
      await tx
        .updateTable("tags")
        .set({
          ...(patch.name ? { name: patch.name, name_key: nameKey(patch.name) } : {}),
          ...(patch.color ? { color: patch.color } : {}),
          version: sql`version + 1`,
        })
        .where("id", "=", tagId)
        .execute();
    } catch (error) {
      // A rename racing another one to the same name.
      if (isUniqueViolation(error)) throw nameTaken(patch.name ?? "");
      throw error;
    }
  });
  const tag = (await listTags(ctx)).find((t) => t.id === tagId);
  return tag!;
}

export async function deleteTag(ctx: ServiceContext, tagId: number): Promise<void> {
  await withTransaction(ctx.db, async (tx) => {
    await lockTag(tx, ctx, tagId);
    await tx.deleteFrom("tags").where("id", "=", tagId).execute();
  });
}

/** Locks the caller's tag for a change; 404 if there is none, 412 if If-Match names another version. */
async function lockTag(tx: Executor, ctx: ServiceContext, tagId: number): Promise<void> {
  const current = await tx
    .selectFrom("tags")
    .select("version")
    .where("user_id", "=", ctx.userId)
    .where("id", "=", tagId)
    .forUpdate()
    .executeTakeFirst();
  if (!current) throw ServiceError.notFound("tag");
  assertVersion("tag", current.version, ctx.ifMatch);
}

function nameTaken(name: string): ServiceError {
  return new ServiceError("tag_name_taken", `you already have a tag named "${name}" (names ignore case)`, [
    { field: "name", message: "already taken" },
  ]);
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: string }).code === "23505";
}
