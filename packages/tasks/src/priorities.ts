import { type Priority, ServiceError } from "@todo/contracts";
import type { Executor } from "@todo/db";

export async function listPriorities(db: Executor): Promise<Priority[]> {
  return db.selectFrom("priorities").select(["id", "name", "level", "color"]).orderBy("level").execute();
}

export async function defaultPriorityId(db: Executor): Promise<number> {
  const row = await db.selectFrom("priorities").select("id").where("level", "=", 2).executeTakeFirstOrThrow();
  return row.id;
}

export async function assertPriorityExists(db: Executor, priorityId: number): Promise<void> {
  const found = await db
    .selectFrom("priorities")
    .select("id")
    .where("id", "=", priorityId)
    .executeTakeFirst();
  if (!found)
    throw ServiceError.invalid("priority_id", `no priority with id ${priorityId}`, "invalid_reference");
}
