import { TimeZone } from "@todo/contracts";
import type { Database } from "@todo/db";
import { betterAuth } from "better-auth";
import { bearer } from "better-auth/plugins/bearer";
import type { Kysely } from "kysely";
import { mcpOAuthPlugins } from "./mcp/oauth-provider.ts";
import type { SendVerificationMail } from "./verification-mail.ts";

export interface AuthOptions {
  db: Kysely<Database>;
  secret: string;
  publicUrl: string;
  trustedOrigins?: string[];
  signInLimitPerMinute: number;
  /**
   * Set: sign-up sends a verification link through it, sign-in waits for the address to be
   * verified, and sign-up answers an existing address exactly as a new one (no token either way).
   */
  sendVerificationMail?: SendVerificationMail;
  /** Called once a user and everything they owned are deleted (the tables cascade from users). */
  onUserDeleted?: (userId: string) => Promise<void>;
  /** Where Better Auth's own log lines go (the service's pino logger); its errors only, no other arguments. */
  log?: AuthLog;
  /**
   * Tests only: how passwords are hashed and checked instead of Better Auth's scrypt (N = 16384,
   * r = 16: about 66 ms of CPU per sign-up or sign-in). No service sets it.
   */
  passwordHash?: PasswordHash;
}

/** Better Auth's `emailAndPassword.password` option: a hash of a password, and its check. */
export interface PasswordHash {
  hash(password: string): Promise<string>;
  verify(data: { hash: string; password: string }): Promise<boolean>;
}

export type AuthLog = (level: "debug" | "info" | "warn" | "error", message: string, error?: Error) => void;

// Better Auth colours its lines for a terminal; a JSON log keeps the text only.
// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes are what is matched
const ANSI_ESCAPE = /\u001b\[[0-9;]*m/g;
// Better Auth puts addresses into message text ("Sign-up attempt for existing email: …").
const EMAIL_ADDRESS = /[^\s@:;,<>()"']+@[^\s@:;,<>()"']+/g;

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
    emailAndPassword: {
      enabled: true,
      autoSignIn: true,
      minPasswordLength: 8,
      maxPasswordLength: 128,
      requireEmailVerification: options.sendVerificationMail !== undefined,
      ...(options.passwordHash ? { password: options.passwordHash } : {}),
    },
    ...(options.sendVerificationMail
      ? {
          emailVerification: {
            sendOnSignUp: true,
            autoSignInAfterVerification: true,
            sendVerificationEmail: ({ user, url }: { user: { email: string }; url: string }) =>
              options.sendVerificationMail!(user.email, url),
          },
        }
      : {}),
    user: {
      modelName: "users",
      // POST /api/auth/delete-user with the current password (our account rules require it).
      deleteUser: {
        enabled: true,
        afterDelete: async (user) => {
          await options.onUserDeleted?.(user.id);
        },
      },
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
    // Through pino, so the log stays JSON and redacted; arguments other than an Error are left out,
    // since Better Auth passes request bodies and users (e-mail addresses) as arguments.
    // A failure that is not an API answer (a database error) is thrown to our error handler, which
    // logs it through the redacting serializer; Better Auth would print it, parameters and all.
    onAPIError: { throw: true },
    logger: {
      level: "info",
      disableColors: true,
      log: (level, message, ...args) =>
        options.log?.(
          level,
          message.replace(ANSI_ESCAPE, "").replace(EMAIL_ADDRESS, "[email]"),
          args.find((arg) => arg instanceof Error),
        ),
    },
    // OAuth 2.1 for the MCP server (mcp/oauth-provider.ts).
    plugins: [bearer(), ...mcpOAuthPlugins({ publicUrl: options.publicUrl })],
  });
}

export type Auth = ReturnType<typeof createAuth>;
