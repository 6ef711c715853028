import type { DatabaseHandle } from "@todo/db";
import { createTestUser } from "@todo/db/testing";
import { silentLog } from "@todo/server";
import { createRecurringTask } from "@todo/tasks";

export const quietLog = silentLog;

export async function createUser(database: DatabaseHandle): Promise<string> {
  return (await createTestUser(database)).id;
}

/** Five `* * * * *` templates of `userId` catching up (`all`) from `minutesBehind` before `now`; their ids. */
export async function minutelyTemplatesBehind(
  database: DatabaseHandle,
  userId: string,
  now: Date,
  minutesBehind: number,
): Promise<number[]> {
  const start = new Date(now.getTime() - minutesBehind * 60_000);
  const ids: number[] = [];
  for (let i = 0; i < 5; i++) {
    const template = await createRecurringTask(
      { db: database.db, userId },
      {
        template_title: `Every minute ${i}`,
        recurrence_pattern: "custom",
        cron_expression: "* * * * *",
        next_occurrence: start.toISOString(),
        catch_up: "all",
      },
      new Date(start.getTime() - 60_000),
    );
    ids.push(template.id);
  }
  return ids;
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
