import { TimeZone } from "@todo/contracts";
import type { Database } from "@todo/db";
import { betterAuth } from "better-auth";
import { bearer } from "better-auth/plugins/bearer";
import type { Kysely } from "kysely";

export interface AuthOptions {
  db: Kysely<Database>;
  secret: string;
  publicUrl: string;
  trustedOrigins?: string[];
  signInLimitPerMinute: number;
}

/** The header our own server code sets from the socket address; clients cannot choose it. */
export const CLIENT_IP_HEADER = "x-todo-client-ip";

// Better Auth owns sign-up, sign-in and sessions; our tables are snake_case, so its fields are mapped.
export function createAuth(options: AuthOptions) {
  return betterAuth({
    appName: "Todo",
    baseURL: options.publicUrl,
    basePath: "/api/auth",
    secret: options.secret,
    database: { db: options.db, type: "postgres" },
    emailAndPassword: { enabled: true, autoSignIn: true, minPasswordLength: 8, maxPasswordLength: 128 },
    user: {
      modelName: "users",
      fields: { emailVerified: "email_verified", createdAt: "created_at", updatedAt: "updated_at" },
      // The reader's IANA time zone for the texts they read (notifications, e-mail, push): sent by
      // the browser at sign-up (`timezone` in the sign-up body), changed with POST /api/auth/update-user.
      additionalFields: {
        timezone: { type: "string", required: false, input: true, validator: { input: TimeZone.nullable() } },
      },
    },
    session: {
      modelName: "sessions",
      fields: {
        userId: "user_id",
        expiresAt: "expires_at",
        ipAddress: "ip_address",
        userAgent: "user_agent",
        createdAt: "created_at",
        updatedAt: "updated_at",
      },
    },
    account: {
      modelName: "accounts",
      fields: {
        userId: "user_id",
        accountId: "account_id",
        providerId: "provider_id",
        accessToken: "access_token",
        refreshToken: "refresh_token",
        idToken: "id_token",
        accessTokenExpiresAt: "access_token_expires_at",
        refreshTokenExpiresAt: "refresh_token_expires_at",
        createdAt: "created_at",
        updatedAt: "updated_at",
      },
    },
    verification: {
      modelName: "verifications",
      fields: { expiresAt: "expires_at", createdAt: "created_at", updatedAt: "updated_at" },
    },
    rateLimit: {
      enabled: true,
      // In the database, so the limit holds across backend replicas.
      storage: "database",
      modelName: "rate_limits",
      fields: { lastRequest: "last_request" },
      window: 60,
      max: 300,
      customRules: {
        "/sign-in/email": { window: 60, max: options.signInLimitPerMinute },
        "/sign-up/email": { window: 60, max: options.signInLimitPerMinute },
      },
    },
    advanced: {
      database: { generateId: "uuid" },
      ipAddress: { ipAddressHeaders: [CLIENT_IP_HEADER] },
    },
    trustedOrigins: options.trustedOrigins ?? [options.publicUrl],
    telemetry: { enabled: false },
    plugins: [bearer()],
  });
}

export type Auth = ReturnType<typeof createAuth>;
