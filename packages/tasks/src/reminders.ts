/** With no offsets of its own, a task is reminded this many minutes before it is due. */
export const DEFAULT_REMINDER_OFFSETS = [1440];

/**
 * How late a reminder may still go out: a tick that runs late (downtime, a busy database) still
 * sends a reminder whose time has passed, once, while the task is open and until this many minutes
 * after its due time. Later than that a reminder would only be noise.
 */
export const REMINDER_GRACE_MINUTES = 60;

/** Whether a reminder for a task due at `dueDate` may still go out at `now` (see REMINDER_GRACE_MINUTES). */
export function reminderWindowOpen(dueDate: Date, now: Date): boolean {
  return now.getTime() < dueDate.getTime() + REMINDER_GRACE_MINUTES * 60_000;
}

/**
 * When the scheduler should next look at a task's reminders: now if a reminder's time has come
 * (offset 0 is at the due time; a task created less than a day before it is due is reminded at
 * once), else the earliest future reminder time; null without a due date or offsets, or once the
 * reminder window has closed.
 */
export function nextReminderAt(dueDate: Date | null, offsets: number[] | null, now: Date): Date | null {
  if (!dueDate || !reminderWindowOpen(dueDate, now)) return null;
  const times = (offsets ?? DEFAULT_REMINDER_OFFSETS).map((minutes) => dueDate.getTime() - minutes * 60_000);
  if (times.length === 0) return null;
  if (times.some((t) => t <= now.getTime())) return now;
  return new Date(Math.min(...times));
}
