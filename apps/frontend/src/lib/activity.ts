// A task's activity (GET /api/{user_id}/activity, /tasks/{id}/activity; the types are
// @todo/contracts' activity schemas) in words people read.
import type { ActivityActor, ActivityChange, ActivityEntry, ActivityList } from "@todo/contracts";
import { formatDateTime, formatDue, isAllDay } from "./time-zone";

export type { ActivityActor, ActivityChange, ActivityEntry } from "@todo/contracts";
/** One page, keyset-paged: pass `next_cursor` back as `cursor` for the next one; null at the end. */
export type ActivityPage = ActivityList;

/** The event types the Activity page filters on, with their labels. */
export const ACTIVITY_EVENT_TYPES = [
  { type: "task.created", label: "Created" },
  { type: "task.updated", label: "Changed" },
  { type: "task.completed", label: "Completed" },
  { type: "task.deleted", label: "Deleted" },
] as const;

/** What the describer needs to put names on ids: the priorities and tags known to the page. */
export interface ActivityNames {
  timeZone: string;
  priorities?: readonly { id: number; name: string }[];
  tags?: readonly { id: number; name: string }[];
}

const quoted = (text: string) => `‘${text}’`;

function nameOf(value: unknown, known: readonly { id: number; name: string }[] | undefined): string {
  if (value === null || value === undefined) return "none";
  if (typeof value === "string") return value;
  if (typeof value === "number") return known?.find((item) => item.id === value)?.name ?? `#${value}`;
  if (typeof value === "object" && "name" in value && typeof value.name === "string") return value.name;
  return JSON.stringify(value);
}

function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** A tag as a comparable key: tags may be recorded as ids, names or {id, name} objects. */
function tagKey(value: unknown): string {
  if (typeof value === "object" && value !== null && "id" in value) return `#${String(value.id)}`;
  return typeof value === "number" ? `#${value}` : String(value);
}

function describeTags(before: unknown, after: unknown, names: ActivityNames): string {
  const old = listOf(before);
  const now = listOf(after);
  const oldKeys = new Set(old.map(tagKey));
  const nowKeys = new Set(now.map(tagKey));
  const added = now.filter((tag) => !oldKeys.has(tagKey(tag))).map((tag) => `+${nameOf(tag, names.tags)}`);
  const removed = old.filter((tag) => !nowKeys.has(tagKey(tag))).map((tag) => `−${nameOf(tag, names.tags)}`);
  const parts = [...added, ...removed];
  return parts.length > 0 ? `Tags: ${parts.join(" ")}` : "Tags changed";
}

function dateOrNone(value: unknown, timeZone: string): string {
  if (typeof value !== "string" || Number.isNaN(new Date(value).getTime())) return "none";
  // An all-day due (the last second of the day: see @todo/contracts/all-day) reads as its day.
  if (isAllDay(value, timeZone)) return `${formatDue(value, timeZone)} (all day)`;
  return formatDateTime(value, timeZone, true);
}

function plain(value: unknown): string {
  if (value === null || value === undefined || value === "") return "none";
  if (typeof value === "string") return quoted(value);
  if (Array.isArray(value)) return value.length === 0 ? "none" : value.map(String).join(", ");
  return String(value);
}

/**
 * One field change as a sentence: "Priority High → Critical", "Renamed ‘a’ → ‘b’",
 * "Tags: +home −work", "Due date Jan 5, 2030, 9:00 AM EST → none" (in `names.timeZone`),
 * "Completed" / "Reopened" for the completed flag. Ids are named from `names` when known.
 */
export function describeChange(change: ActivityChange, names: ActivityNames): string {
  const { field, before, after } = change;
  switch (field) {
    case "title":
      return `Renamed ${plain(before)} → ${plain(after)}`;
    case "completed":
      return after === true ? "Completed" : "Reopened";
    case "priority":
    case "priority_id":
      return `Priority ${nameOf(before, names.priorities)} → ${nameOf(after, names.priorities)}`;
    case "tags":
    case "tag_ids":
      return describeTags(before, after, names);
    case "due_date":
      return `Due date ${dateOrNone(before, names.timeZone)} → ${dateOrNone(after, names.timeZone)}`;
    case "description":
      return after ? "Description edited" : "Description removed";
    case "reminder_offsets_minutes":
      return `Reminders ${plain(before)} → ${plain(after)} (minutes before due)`;
    default:
      return `${field.replaceAll("_", " ")} ${plain(before)} → ${plain(after)}`;
  }
}

const EVENT_WORDS: Record<string, string> = {
  "task.created": "Created",
  "task.updated": "Changed",
  "task.completed": "Completed",
  "task.deleted": "Deleted",
  "task.due.approaching": "Due soon",
};

/**
 * The lines of one entry: one per changed field, or the event itself ("Created",
 * "Created from ‘Pay rent’ schedule", "Completed", "Deleted") when no field changed.
 */
export function describeActivity(entry: ActivityEntry, names: ActivityNames): string[] {
  if (entry.changes.length > 0) return entry.changes.map((change) => describeChange(change, names));
  if (entry.event_type === "task.created" && entry.template) {
    return [`Created from ${quoted(entry.template.title)} schedule`];
  }
  return [EVENT_WORDS[entry.event_type] ?? entry.event_type];
}

/** Who did it, when not the user: "by the schedule", "by an assistant (MCP)", "through the API". */
export function describeActor(actor: ActivityActor): string | null {
  switch (actor) {
    case "recurring-task-service":
      return "by the schedule";
    case "mcp":
      return "by an assistant (MCP)";
    case "api":
      return "through the API";
    default:
      return null;
  }
}
