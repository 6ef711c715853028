/** With no offsets of its own, a task is reminded this many minutes before it is due. */
export const DEFAULT_REMINDER_OFFSETS = [1440];

/**
 * When the scheduler should next look at a task's reminders: now if a reminder's time has come
 * (a task created less than a day before it is due is reminded at once), else the earliest
 * future reminder time, or null when the task is due already or has no due date.
 */
export function nextReminderAt(dueDate: Date | null, offsets: number[] | null, now: Date): Date | null {
  if (!dueDate || dueDate <= now) return null;
  const times = (offsets ?? DEFAULT_REMINDER_OFFSETS).map((minutes) => dueDate.getTime() - minutes * 60_000);
  if (times.length === 0) return null;
  if (times.some((t) => t <= now.getTime())) return now;
  return new Date(Math.min(...times));
}
