import {
  type NotificationPreferences,
  PreferenceEventType,
  type UpdateNotificationPreferencesBody,
} from "@todo/contracts";
import type { Executor } from "@todo/db";
import { sql } from "kysely";
import type { z } from "zod";

export const USER_CHANNELS = ["in_app", "email", "push"] as const;
export type UserChannel = (typeof USER_CHANNELS)[number];
export type ChannelSet = Record<UserChannel, boolean>;
type EventType = z.infer<typeof PreferenceEventType>;

const off: ChannelSet = { in_app: false, email: false, push: false };
/**
 * In-app for the events that are news to the user, e-mail for due reminders. Changes and
 * deletions are the user's own doing, so they notify only when asked for.
 */
export const DEFAULT_PREFERENCES: Record<EventType, ChannelSet> = {
  "task.created": { ...off, in_app: true },
  "task.updated": off,
  "task.completed": { ...off, in_app: true },
  "task.deleted": off,
  "task.due.approaching": { ...off, in_app: true, email: true },
  "notification.send": { ...off, in_app: true },
};

type Stored = Partial<Record<string, Partial<Record<string, boolean>>>>;

function effective(stored: Stored): NotificationPreferences["preferences"] {
  return Object.fromEntries(
    PreferenceEventType.options.map((type) => {
      const chosen = stored[type] ?? {};
      const channels = Object.fromEntries(
        USER_CHANNELS.map((c) => [
          c,
          typeof chosen[c] === "boolean" ? chosen[c] : DEFAULT_PREFERENCES[type][c],
        ]),
      ) as ChannelSet;
      return [type, channels];
    }),
  ) as NotificationPreferences["preferences"];
}

async function loadStored(db: Executor, userId: string): Promise<Stored> {
  const row = await db
    .selectFrom("notification_preferences")
    .select("preferences")
    .where("user_id", "=", userId)
    .executeTakeFirst();
  return (row?.preferences as Stored | undefined) ?? {};
}

/** Every event type with every channel, defaults filled in. */
export async function getPreferences(db: Executor, userId: string): Promise<NotificationPreferences> {
  return { preferences: effective(await loadStored(db, userId)) };
}

/** The channels this user wants for one event type. */
export async function channelsFor(db: Executor, userId: string, eventType: string): Promise<ChannelSet> {
  const parsed = PreferenceEventType.safeParse(eventType);
  if (!parsed.success) return off;
  return effective(await loadStored(db, userId))[parsed.data] as ChannelSet;
}

/** Merges the given choices into the stored ones; channels not named keep their value. */
export async function updatePreferences(
  db: Executor,
  userId: string,
  body: z.infer<typeof UpdateNotificationPreferencesBody>,
): Promise<NotificationPreferences> {
  const patch = JSON.stringify(body.preferences);
  // One statement merges per event type, so two concurrent saves of different types both stick.
  await sql`
    INSERT INTO notification_preferences (user_id, preferences, updated_at)
    VALUES (${userId}, ${patch}::jsonb, now())
    ON CONFLICT (user_id) DO UPDATE SET
      preferences = (
        SELECT coalesce(jsonb_object_agg(key, coalesce(notification_preferences.preferences -> key, '{}'::jsonb) || value), '{}'::jsonb)
        FROM jsonb_each(EXCLUDED.preferences)
      ) || (notification_preferences.preferences - ARRAY(SELECT jsonb_object_keys(EXCLUDED.preferences))),
      updated_at = now()`.execute(db);
  return getPreferences(db, userId);
}
