import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import type { Database } from "@todo/db";
import { recordEvent } from "@todo/events";
import type { Kysely } from "kysely";
import { DEFAULT_REMINDER_OFFSETS, reminderWindowOpen } from "./reminders.ts";
import { loadTask } from "./task-snapshot.ts";

/** Tasks per transaction: short, so requests waiting on the database (PGlite has one connection) get in between. */
const BATCH = 25;

/**
 * Emits task.due.approaching for tasks whose reminder time has come: once per task, offset and
 * due date (the task_reminders key), never for a completed or deleted task, and not after the
 * reminder window (REMINDER_GRACE_MINUTES past the due time). When several offsets
 * have passed together (a task created an hour before it is due), one reminder goes out, for the
 * nearest offset, and the others are recorded as covered by it. `maxBatches` (of 25 tasks) bounds
 * one call; the rest is left for the next. Returns the number of reminders emitted.
 */
export async function runReminderTick(
  db: Kysely<Database>,
  now = new Date(),
  maxBatches = Number.POSITIVE_INFINITY,
): Promise<number> {
  let emitted = 0;
  for (let batches = 1; ; batches++) {
    const { count, more } = await db.transaction().execute(async (tx) => {
      const tasks = await tx
        .selectFrom("tasks")
        .select(["id", "user_id", "due_date", "reminder_offsets_minutes", "completed"])
        .where("next_reminder_at", "<=", now)
        .orderBy("next_reminder_at")
        .limit(BATCH)
        .forUpdate()
        .skipLocked()
        .execute();
      let count = 0;
      for (const task of tasks) {
        const due = task.due_date;
        const offsets = task.reminder_offsets_minutes ?? DEFAULT_REMINDER_OFFSETS;
        const passed =
          due && !task.completed && reminderWindowOpen(due, now)
            ? offsets.filter((m) => due.getTime() - m * 60_000 <= now.getTime())
            : [];
        if (passed.length > 0) {
          const fresh = await tx
            .insertInto("task_reminders")
            .values(passed.map((offset_minutes) => ({ task_id: task.id, offset_minutes, due_date: due! })))
            .onConflict((oc) => oc.doNothing())
            .returning("offset_minutes")
            .execute();
          if (fresh.length > 0) {
            const offset = Math.min(...fresh.map((r) => r.offset_minutes));
            const snapshot = (await loadTask(tx, task.user_id, task.id))!;
            await recordEvent(tx, {
              event_type: "task.due.approaching",
              task_id: task.id,
              user_id: task.user_id,
              source: "recurring-task-service",
              data: { task: snapshot, due_date: due!.toISOString(), offset_minutes: offset },
            });
            count += 1;
          }
        }
        const future =
          due && !task.completed
            ? offsets.map((m) => due.getTime() - m * 60_000).filter((t) => t > now.getTime())
            : [];
        await tx
          .updateTable("tasks")
          .set({ next_reminder_at: future.length > 0 ? new Date(Math.min(...future)) : null })
          .where("id", "=", task.id)
          .execute();
      }
      return { count, more: tasks.length === BATCH };
    });
    emitted += count;
    if (!more || batches >= maxBatches) return emitted;
    await yieldToEventLoop();
  }
}
