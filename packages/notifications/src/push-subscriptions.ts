import { type PushSubscriptionBody, ServiceError } from "@todo/contracts";
import type { z } from "zod";
import { BlockedDestinationError, type NetworkPolicy, resolveDestination } from "./network-guard.ts";
import type { UserContext } from "./notifications.ts";

const MAX_SUBSCRIPTIONS_PER_USER = 20;

/**
 * Saves a browser's PushSubscription (again: a browser that re-subscribes gets new keys). The
 * endpoint is a URL the server will POST to, so it gets the webhooks' network check; a name that
 * does not resolve right now is let through (the check runs again at every delivery).
 */
export async function savePushSubscription(
  ctx: UserContext & { network: NetworkPolicy },
  body: z.infer<typeof PushSubscriptionBody>,
): Promise<{ endpoint: string; created_at: string }> {
  const endpoint = new URL(body.endpoint);
  if (endpoint.protocol !== "https:" && !ctx.network.allowPrivateNetworks) {
    throw ServiceError.invalid("endpoint", "must be an https URL");
  }
  try {
    await resolveDestination(endpoint, ctx.network);
  } catch (error) {
    if (error instanceof BlockedDestinationError) throw ServiceError.invalid("endpoint", error.message);
  }
  const count = await ctx.db
    .selectFrom("push_subscriptions")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("user_id", "=", ctx.userId)
    .where("endpoint", "!=", body.endpoint)
    .executeTakeFirstOrThrow();
  if (Number(count.n) >= MAX_SUBSCRIPTIONS_PER_USER) {
    throw new ServiceError("conflict", `at most ${MAX_SUBSCRIPTIONS_PER_USER} push subscriptions per user`);
  }
  const expiration = body.expirationTime ? new Date(body.expirationTime) : null;
  const row = await ctx.db
    .insertInto("push_subscriptions")
    .values({
      user_id: ctx.userId,
      endpoint: body.endpoint,
      p256dh: body.keys.p256dh,
      auth: body.keys.auth,
      expiration_time: expiration,
    })
    .onConflict((oc) =>
      oc.columns(["user_id", "endpoint"]).doUpdateSet({
        p256dh: body.keys.p256dh,
        auth: body.keys.auth,
        expiration_time: expiration,
      }),
    )
    .returning(["endpoint", "created_at"])
    .executeTakeFirstOrThrow();
  return { endpoint: row.endpoint, created_at: row.created_at.toISOString() };
}

/**
 * Idempotent: the subscription may already be gone (the push service answered 410), and the
 * browser must still be able to turn push off. Only the caller's own rows are touched.
 */
export async function deletePushSubscription(ctx: UserContext, endpoint: string): Promise<void> {
  await ctx.db
    .deleteFrom("push_subscriptions")
    .where("user_id", "=", ctx.userId)
    .where("endpoint", "=", endpoint)
    .execute();
}
