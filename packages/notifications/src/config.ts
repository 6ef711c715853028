import { Flag, Port, PostgresUrl, parseEnv, serviceEnv, serviceSettings } from "@todo/server";
import { z } from "zod";

export { ConfigError } from "@todo/server";

// Charts and .env files set unused variables to "": that means "not set", not a bad value.
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === "" ? undefined : v), schema.optional());
const base64UrlOfLength = (bytes: number) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, "must be URL-safe base64 without padding")
    .refine((v) => Buffer.from(v, "base64url").length === bytes, `must encode ${bytes} bytes`);

const channelEnv = {
  SMTP_URL: optional(z.string().regex(/^smtps?:\/\/[^/]/, "must be an smtp:// or smtps:// URL")),
  MAIL_FROM: optional(
    z.string().regex(/^[^@\s<>]+@[^@\s<>]+$|<[^@\s<>]+@[^@\s<>]+>$/, "must hold an e-mail address"),
  ),
  VAPID_PUBLIC_KEY: optional(base64UrlOfLength(65)),
  VAPID_PRIVATE_KEY: optional(base64UrlOfLength(32)),
  VAPID_SUBJECT: optional(z.string().regex(/^(mailto:|https:\/\/)\S+$/, "must be a mailto: or https:// URL")),
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: Flag,
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
};

// Half a key pair is a mistake, not "push disabled".
function bothVapidKeys(
  e: { VAPID_PUBLIC_KEY?: string | undefined; VAPID_PRIVATE_KEY?: string | undefined },
  ctx: z.RefinementCtx,
) {
  if (e.VAPID_PUBLIC_KEY && !e.VAPID_PRIVATE_KEY) {
    ctx.addIssue({ code: "custom", path: ["VAPID_PRIVATE_KEY"], message: "required with VAPID_PUBLIC_KEY" });
  }
  if (e.VAPID_PRIVATE_KEY && !e.VAPID_PUBLIC_KEY) {
    ctx.addIssue({ code: "custom", path: ["VAPID_PUBLIC_KEY"], message: "required with VAPID_PRIVATE_KEY" });
  }
}

const ChannelEnv = z.object(channelEnv).superRefine(bothVapidKeys);
const ServiceEnv = z
  .object({
    ...serviceEnv,
    PORT: Port.default(3001),
    DATABASE_URL: PostgresUrl,
    // Dapr's app API token: the sidecar sends it as dapr-api-token; the notification API trusts
    // the caller's identity only on requests that carry it.
    APP_API_TOKEN: z
      .string({ error: "required (Dapr's app API token, the same value as the sidecar's)" })
      .min(32, "must be at least 32 characters"),
    NOTIFICATION_API_CALLERS: z
      .string()
      .default("backend")
      .transform((v) =>
        v
          .split(",")
          .map((id) => id.trim())
          .filter(Boolean),
      ),
    ...channelEnv,
  })
  .superRefine(bothVapidKeys);

/** How the channels reach the outside; the same variables in the embedded and distributed modes. */
export interface NotificationConfig {
  /** null: email is off (no SMTP_URL); email deliveries are recorded as skipped. */
  email: { smtpUrl: string; from: string } | null;
  /** null: web push is off (no VAPID keys). */
  push: { publicKey: string; privateKey: string; subject: string } | null;
  webhooks: { allowPrivateNetworks: boolean; timeoutMs: number };
}

function channels(e: z.output<typeof ChannelEnv>): NotificationConfig {
  return {
    email: e.SMTP_URL ? { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM ?? "Todo <no-reply@localhost>" } : null,
    push:
      e.VAPID_PUBLIC_KEY && e.VAPID_PRIVATE_KEY
        ? {
            publicKey: e.VAPID_PUBLIC_KEY,
            privateKey: e.VAPID_PRIVATE_KEY,
            subject: e.VAPID_SUBJECT ?? "mailto:no-reply@localhost",
          }
        : null,
    webhooks: { allowPrivateNetworks: e.WEBHOOK_ALLOW_PRIVATE_NETWORKS, timeoutMs: e.WEBHOOK_TIMEOUT_MS },
  };
}

/** Reads the channel settings once; a bad value throws a ConfigError naming the variable. */
export function loadNotificationConfig(env: NodeJS.ProcessEnv = process.env): NotificationConfig {
  return channels(parseEnv(ChannelEnv, env));
}

/** The distributed process's settings: its own server, database and sidecar, plus the channels. */
export function loadServiceConfig(env: NodeJS.ProcessEnv = process.env) {
  const e = parseEnv(ServiceEnv, env);
  return {
    ...serviceSettings(e),
    /** Who may call the notification API by service invocation, and the token that proves it. */
    invocation: { appApiToken: e.APP_API_TOKEN, callers: e.NOTIFICATION_API_CALLERS },
    notification: channels(e),
  };
}
export type ServiceConfig = ReturnType<typeof loadServiceConfig>;
