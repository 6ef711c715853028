import type { RecurringTask } from "@todo/contracts";
import { formatDateTime } from "@/lib/time-zone";
import { WEEKDAYS } from "./recurring-form-model";

/** The rule in words: "Every 2 weeks on Mon, Thu", "Cron “0 9 * * 1-5”". */
export function describeRule(t: RecurringTask): string {
  const every = (unit: string) => (t.interval === 1 ? `Every ${unit}` : `Every ${t.interval} ${unit}s`);
  switch (t.recurrence_pattern) {
    case "daily":
      return every("day");
    case "weekly": {
      const days = (t.weekdays ?? [])
        .map((d) => WEEKDAYS.find((w) => w.iso === d)?.short)
        .filter(Boolean)
        .join(", ");
      return days ? `${every("week")} on ${days}` : every("week");
    }
    case "monthly":
      return every("month");
    case "yearly":
      return every("year");
    case "custom":
      return `Cron “${t.cron_expression ?? ""}”`;
  }
}

/** A lead time in minutes as words: "1 day", "3 hours", "15 min". */
export function describeLead(minutes: number): string {
  if (minutes % 1440 === 0) return minutes === 1440 ? "1 day" : `${minutes / 1440} days`;
  if (minutes % 60 === 0) return minutes === 60 ? "1 hour" : `${minutes / 60} hours`;
  return `${minutes} min`;
}

/** How the series ends, or how far it has come. */
export function describeEnd(t: RecurringTask): string {
  if (t.ends_at) return `until ${formatDateTime(t.ends_at, t.timezone)}`;
  if (t.max_occurrences) return `${t.occurrences_created} of ${t.max_occurrences} created`;
  return `${t.occurrences_created} created so far`;
}
