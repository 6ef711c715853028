import {
  type DeliveryHistoryEntry,
  type DeliveryList,
  decodeCursor,
  encodeCursor,
  type Notification,
  type NotificationList,
  ServiceError,
} from "@todo/contracts";
import type { Executor, NotificationsTable } from "@todo/db";
import type { StateStore } from "@todo/events";
import type { Log } from "@todo/server";
import { type Selectable, sql } from "kysely";
import type { z } from "zod";

export interface UserContext {
  db: Executor;
  userId: string;
}

export function toNotification(row: Selectable<NotificationsTable>): Notification {
  return {
    id: row.id,
    event_id: row.event_id,
    event_type: row.event_type,
    task_id: row.task_id,
    title: row.title,
    body: row.body,
    read: row.read_at !== null,
    created_at: row.created_at.toISOString(),
  };
}

/**
 * Newest first; the unread count is over all of the user's notifications, whatever the filter.
 * One statement, so the page and the counts come from the same snapshot.
 */
export async function listNotifications(
  ctx: UserContext,
  query: {
    unread?: "true" | "false" | undefined;
    limit: number;
    offset: number;
    cursor?: string | undefined;
  },
): Promise<NotificationList> {
  // Keyset on the id (newest first): a cursor page starts right after the last id shown.
  const after = query.cursor ? (decodeCursor("notifications", query.cursor, 1)[0] as number) : undefined;
  const offset = after !== undefined ? 0 : query.offset;
  const result = await ctx.db
    .with("counts", (db) =>
      db
        .selectFrom("notifications")
        .where("user_id", "=", ctx.userId)
        .select((eb) => [
          eb.fn.countAll<string>().as("all_count"),
          eb.fn.count<string>("id").filterWhere("read_at", "is", null).as("unread_count"),
          eb.fn.count<string>("id").filterWhere("read_at", "is not", null).as("read_count"),
        ]),
    )
    .with("page", (db) => {
      let filtered = db.selectFrom("notifications").where("user_id", "=", ctx.userId);
      if (query.unread === "true") filtered = filtered.where("read_at", "is", null);
      if (query.unread === "false") filtered = filtered.where("read_at", "is not", null);
      if (after !== undefined) filtered = filtered.where("id", "<", after);
      // One row more than the page tells whether there is a next one.
      return filtered
        .selectAll()
        .orderBy("id", "desc")
        .limit(query.limit + 1)
        .offset(offset);
    })
    .selectFrom("counts")
    .leftJoin("page", (join) => join.onTrue())
    .selectAll("page")
    .select(["counts.all_count", "counts.unread_count", "counts.read_count"])
    .orderBy("page.id", "desc")
    .execute();
  const counts = result[0]!;
  const fetched = result.filter((row) => row.id !== null) as Selectable<NotificationsTable>[];
  const rows = fetched.slice(0, query.limit);
  const more = fetched.length > query.limit;
  const total = Number(
    query.unread === "true"
      ? counts.unread_count
      : query.unread === "false"
        ? counts.read_count
        : counts.all_count,
  );
  return {
    items: rows.map(toNotification),
    unread_count: Number(counts.unread_count),
    page: {
      limit: query.limit,
      offset,
      total,
      next_offset: after === undefined && offset + rows.length < total ? offset + rows.length : null,
      next_cursor: more ? encodeCursor("notifications", [rows.at(-1)!.id]) : null,
    },
  };
}

export async function setNotificationRead(
  ctx: UserContext,
  id: number,
  read: boolean,
): Promise<Notification> {
  const row = await ctx.db
    .updateTable("notifications")
    // Marking read twice keeps the first time.
    .set({ read_at: read ? sql<Date>`coalesce(read_at, now())` : null })
    .where("id", "=", id)
    .where("user_id", "=", ctx.userId)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw ServiceError.notFound("notification");
  return toNotification(row);
}

export async function markAllRead(ctx: UserContext): Promise<{ updated: number }> {
  const result = await ctx.db
    .updateTable("notifications")
    .set({ read_at: sql<Date>`now()` })
    .where("user_id", "=", ctx.userId)
    .where("read_at", "is", null)
    .executeTakeFirst();
  return { updated: Number(result.numUpdatedRows) };
}

/** The key under which a delivery's attempt history lives in the state store. */
export const historyKey = (deliveryId: string) => `notification-delivery:${deliveryId}`;
export type DeliveryHistory = { attempts: DeliveryHistoryEntry[] };

/**
 * The deliveries made for a notification's event: status from PostgreSQL (the source of truth),
 * the attempt history from the state store. History is a convenience: if the store is down the
 * answer still comes, without it, and the failure is logged.
 */
export async function listDeliveries(
  ctx: UserContext & { stateStore: StateStore; log: Log },
  notificationId: number,
  query: { limit: number; cursor?: string | undefined } = { limit: 50 },
): Promise<z.infer<typeof DeliveryList>> {
  // Keyset on (created_at, id), oldest first.
  const after = query.cursor ? decodeCursor("deliveries", query.cursor, 2) : undefined;
  const notification = await ctx.db
    .selectFrom("notifications")
    .select("event_id")
    .where("id", "=", notificationId)
    .where("user_id", "=", ctx.userId)
    .executeTakeFirst();
  if (!notification) throw ServiceError.notFound("notification");
  const rows = await ctx.db
    .selectFrom("notification_deliveries as d")
    .leftJoin("webhooks as w", (join) =>
      join.on((eb) =>
        eb.and([
          eb("d.channel", "=", "webhook"),
          eb("w.user_id", "=", eb.ref("d.user_id")),
          eb(eb.cast("w.id", "text"), "=", eb.ref("d.destination")),
        ]),
      ),
    )
    .select([
      "d.id",
      "d.channel",
      "d.destination",
      "d.status",
      "d.attempts",
      "d.last_error",
      "d.next_attempt_at",
      "d.created_at",
      "d.updated_at",
      "w.url as webhook_url",
    ])
    .where("d.user_id", "=", ctx.userId)
    .select(sql<string>`d.created_at::text`.as("created_at_key"))
    .where("d.event_id", "=", notification.event_id)
    .$if(after !== undefined, (qb) =>
      qb.where(sql<boolean>`(d.created_at, d.id) > (${after![0]}::timestamptz, ${after![1]}::uuid)`),
    )
    .orderBy("d.created_at")
    .orderBy("d.id")
    .limit(query.limit + 1)
    .execute();
  const more = rows.length > query.limit;
  if (more) rows.pop();
  const histories = await Promise.all(
    rows.map(async (row) => {
      try {
        return (await ctx.stateStore.get<DeliveryHistory>(historyKey(row.id)))?.attempts ?? [];
      } catch (error) {
        ctx.log.warn({ err: error, delivery_id: row.id }, "delivery history unavailable");
        return [];
      }
    }),
  );
  return {
    items: rows.map((row, i) => ({
      id: row.id,
      channel: row.channel,
      destination:
        row.channel === "webhook"
          ? (row.webhook_url ?? `webhook ${row.destination} (deleted)`)
          : row.destination,
      status: row.status,
      attempts: row.attempts,
      last_error: row.last_error,
      next_attempt_at:
        row.status === "failed" || row.status === "pending"
          ? (row.next_attempt_at?.toISOString() ?? null)
          : null,
      created_at: row.created_at.toISOString(),
      updated_at: row.updated_at.toISOString(),
      history: histories[i]!,
    })),
    page: {
      limit: query.limit,
      next_cursor: more ? encodeCursor("deliveries", [rows.at(-1)!.created_at_key, rows.at(-1)!.id]) : null,
    },
  };
}
