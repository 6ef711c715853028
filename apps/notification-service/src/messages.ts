import { clipText as clip, type DomainEvent } from "@todo/contracts";

export interface Message {
  title: string;
  body: string;
}

function formatDue(iso: string): string {
  // UTC on purpose: the service does not know the reader's time zone; the app shows local time.
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

function formatOffset(minutes: number): string {
  if (minutes <= 0) return "now";
  if (minutes % 1440 === 0) return minutes === 1440 ? "in 1 day" : `in ${minutes / 1440} days`;
  if (minutes % 60 === 0) return minutes === 60 ? "in 1 hour" : `in ${minutes / 60} hours`;
  return minutes === 1 ? "in 1 minute" : `in ${minutes} minutes`;
}

/** What the user reads for an event, in every channel; null for events that notify nobody. */
export function renderMessage(event: DomainEvent): Message | null {
  switch (event.event_type) {
    case "task.completed":
      return {
        title: clip(`Completed: ${event.data.task.title}`, 200),
        body: "Well done, the task is done.",
      };
    case "task.due.approaching":
      return {
        title: clip(`Due ${formatOffset(event.data.offset_minutes)}: ${event.data.task.title}`, 200),
        body: `“${clip(event.data.task.title, 150)}” is due ${formatDue(event.data.due_date)}.`,
      };
    case "task.created": {
      const due = event.data.task.due_date;
      return {
        title: clip(`New: ${event.data.task.title}`, 200),
        body: due
          ? `Your recurring task has a new instance, due ${formatDue(due)}.`
          : "Your recurring task has a new instance.",
      };
    }
    case "task.updated": {
      const fields = event.data.changed_fields?.filter((f) => f !== "updated_at") ?? [];
      return {
        title: clip(`Changed: ${event.data.task.title}`, 200),
        body: fields.length > 0 ? `Changed: ${fields.join(", ")}.` : "The task was changed.",
      };
    }
    case "task.deleted":
      return { title: clip(`Deleted: ${event.data.task.title}`, 200), body: "The task was deleted." };
    case "notification.send":
      return { title: event.data.title, body: event.data.body };
    case "notification.created":
      return null;
  }
}

const escapes: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => escapes[c]!);

/** The e-mail for a message: plain text and HTML with the same words. */
export function renderEmail(message: Message): { subject: string; text: string; html: string } {
  return {
    subject: clip(message.title, 200),
    text: `${message.body}\n\n— Todo\n`,
    html: `<!doctype html><html><body style="font-family:system-ui,sans-serif">
<h1 style="font-size:18px">${escapeHtml(message.title)}</h1>
<p>${escapeHtml(message.body)}</p>
<p style="color:#6B7280;font-size:12px">Todo — change which e-mails you get in Settings.</p>
</body></html>`,
  };
}
