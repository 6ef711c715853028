import type { NotificationPreferences } from "@todo/contracts";

export type Prefs = NotificationPreferences["preferences"];
export type EventType = keyof Prefs;
// A Record over the contract's type: the compiler insists on every event type, and only those.
export const EVENT_LABELS: Record<EventType, string> = {
  "task.created": "Task created",
  "task.updated": "Task changed",
  "task.completed": "Task completed",
  "task.deleted": "Task deleted",
  "task.due.approaching": "Task due soon (reminders)",
  "notification.send": "Messages from the service",
};
export const EVENT_TYPES = Object.keys(EVENT_LABELS) as EventType[];
export const CHANNELS = [
  { key: "in_app", label: "In app", enable: "" },
  { key: "email", label: "Email", enable: "set SMTP_URL (and MAIL_FROM) on the server and restart it" },
  {
    key: "push",
    label: "Push",
    enable:
      "set VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY on the server (npm run vapid:generate -w @todo/notification-service makes a pair) and restart it",
  },
] as const;
export type Channel = (typeof CHANNELS)[number]["key"];
