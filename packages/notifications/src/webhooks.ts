import { assertVersion, type CreateWebhookBody, ServiceError, type Webhook } from "@todo/contracts";
import type { WebhooksTable } from "@todo/db";
import type { Selectable } from "kysely";
import type { z } from "zod";
import { BlockedDestinationError, type NetworkPolicy, resolveDestination } from "./network-guard.ts";
import type { UserContext } from "./notifications.ts";
import { newWebhookSecret } from "./webhook-signature.ts";

const MAX_WEBHOOKS_PER_USER = 20;

type WebhookOut = z.infer<typeof Webhook>;

function toWebhook(row: Omit<Selectable<WebhooksTable>, "secret" | "user_id">): WebhookOut {
  return {
    id: row.id,
    url: row.url,
    event_types: row.event_types,
    description: row.description,
    version: row.version,
    created_at: row.created_at.toISOString(),
  };
}

/**
 * Checks where a user-supplied URL leads before anything is sent there: a name that resolves to a
 * private, loopback or link-local address is refused (checked again at every delivery).
 */
export async function assertPublicUrl(field: string, url: string, network: NetworkPolicy): Promise<void> {
  try {
    await resolveDestination(new URL(url), network);
  } catch (error) {
    if (error instanceof BlockedDestinationError) {
      throw ServiceError.invalid(field, `${error.message}; such URLs are refused`);
    }
    throw ServiceError.invalid(field, `cannot resolve the host: ${(error as Error).message}`);
  }
}

const shown = ["id", "url", "event_types", "description", "version", "created_at"] as const;

export async function listWebhooks(ctx: UserContext): Promise<WebhookOut[]> {
  const rows = await ctx.db
    .selectFrom("webhooks")
    .select(shown)
    .where("user_id", "=", ctx.userId)
    .orderBy("id")
    .execute();
  return rows.map(toWebhook);
}

export async function getWebhook(ctx: UserContext, id: number): Promise<WebhookOut> {
  const row = await ctx.db
    .selectFrom("webhooks")
    .select(shown)
    .where("user_id", "=", ctx.userId)
    .where("id", "=", id)
    .executeTakeFirst();
  if (!row) throw ServiceError.notFound("webhook");
  return toWebhook(row);
}

/** The answer carries the signing secret; it is not shown again. */
export async function createWebhook(
  ctx: UserContext & { network: NetworkPolicy },
  body: z.infer<typeof CreateWebhookBody>,
): Promise<WebhookOut & { secret: string }> {
  await assertPublicUrl("url", body.url, ctx.network);
  const count = await ctx.db
    .selectFrom("webhooks")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("user_id", "=", ctx.userId)
    .executeTakeFirstOrThrow();
  if (Number(count.n) >= MAX_WEBHOOKS_PER_USER) {
    throw new ServiceError("conflict", `at most ${MAX_WEBHOOKS_PER_USER} webhooks per user`);
  }
  const secret = newWebhookSecret();
  const row = await ctx.db
    .insertInto("webhooks")
    .values({
      user_id: ctx.userId,
      url: body.url,
      event_types: [...new Set(body.event_types)],
      description: body.description ?? null,
      secret,
    })
    .returning(shown)
    .executeTakeFirstOrThrow();
  return { ...toWebhook(row), secret };
}

/** `ifMatch`: the version the caller read (If-Match); another version is a 412 and nothing is deleted. */
export async function deleteWebhook(ctx: UserContext, id: number, ifMatch?: number): Promise<void> {
  const result = await ctx.db
    .deleteFrom("webhooks")
    .where("id", "=", id)
    .where("user_id", "=", ctx.userId)
    .$if(ifMatch !== undefined, (qb) => qb.where("version", "=", ifMatch!))
    .executeTakeFirst();
  if (Number(result.numDeletedRows) === 0) {
    assertVersion("webhook", (await getWebhook(ctx, id)).version, ifMatch);
  }
}
