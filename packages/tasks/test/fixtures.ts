import type { DatabaseHandle } from "@todo/db";
import { createTestUser } from "@todo/db/testing";
import { silentLog } from "@todo/server";
import { createRecurringTask } from "@todo/tasks";

export const quietLog = silentLog;

export async function createUser(database: DatabaseHandle): Promise<string> {
  return (await createTestUser(database)).id;
}

export async function dailyTemplate(
  database: DatabaseHandle,
  userId: string,
  first: Date,
  extra: Partial<Parameters<typeof createRecurringTask>[1]> = {},
) {
  return createRecurringTask(
    { db: database.db, userId },
    {
      template_title: "Water the plants",
      recurrence_pattern: "daily",
      next_occurrence: first.toISOString(),
      timezone: "Europe/Berlin",
      ...extra,
    },
    new Date(first.getTime() - 60_000),
  );
}

export async function instancesOf(database: DatabaseHandle, templateId: number) {
  return database.db
    .selectFrom("tasks")
    .select(["id", "title", "due_date", "occurrence_at"])
    .where("recurring_task_id", "=", templateId)
    .orderBy("occurrence_at")
    .execute();
}
