import { Flag, type LogLevel, Port, PostgresUrl, parseEnv, serviceEnv } from "@todo/server";
import { z } from "zod";

const Env = z.object({
  ...serviceEnv,
  PORT: Port.default(3000),
  DATABASE_URL: PostgresUrl.optional(),
  DATA_DIR: z.string().min(1).default("./.data"),
  BETTER_AUTH_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  PUBLIC_URL: z.url().optional(),
  AUTH_SIGN_IN_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(10),
  TRUST_PROXY: Flag,
  AUTH_REQUIRE_EMAIL_VERIFICATION: Flag,
  RECURRING_TICK_MS: z.coerce.number().int().min(100).max(60_000).default(1000),
  MIGRATE_ON_START: Flag,
  MAX_ACTIVE_RECURRING_TASKS: z.coerce.number().int().min(1).max(100_000).default(100),
  NOTIFICATION_APP_ID: z.string().min(1).default("notification-service"),
});

export type BackendConfig = {
  port: number;
  host: string;
  database:
    | { kind: "postgres"; url: string; poolSize: number; preparedStatements: boolean }
    | { kind: "pglite"; dataDir: string };
  dataDir: string;
  authSecret: string | undefined;
  publicUrl: string;
  /** Origins the browser may sign in from: PUBLIC_URL, or both loopback names when it is unset. */
  trustedOrigins: string[];
  logLevel: z.infer<typeof LogLevel>;
  signInLimitPerMinute: number;
  /** Sign-in needs a verified e-mail address (the link goes out over SMTP_URL). */
  requireEmailVerification: boolean;
  trustProxy: boolean;
  /** Embedded mode: how often the recurring and reminder scheduler runs. */
  recurringTickMs: number;
  /** Distributed mode: the sidecar, and whether to migrate at start (Kubernetes runs a hook Job instead). */
  dapr: { httpPort: number; pubsubName: string; stateStoreName: string; notificationAppId: string };
  migrateOnStart: boolean;
  /** Active recurring templates one user may have; creating or resuming one more answers 422. */
  maxActiveTemplates: number;
};

export { ConfigError } from "@todo/server";

/** Reads the environment once; a bad value stops start-up with a message naming the variable. */
export function loadBackendConfig(env: NodeJS.ProcessEnv = process.env): BackendConfig {
  const e = parseEnv(Env, env);
  return {
    port: e.PORT,
    host: e.HOST,
    database: e.DATABASE_URL
      ? {
          kind: "postgres",
          url: e.DATABASE_URL,
          poolSize: e.DATABASE_POOL_SIZE,
          preparedStatements: e.DATABASE_PREPARED_STATEMENTS,
        }
      : { kind: "pglite", dataDir: e.DATA_DIR },
    dataDir: e.DATA_DIR,
    authSecret: e.BETTER_AUTH_SECRET,
    publicUrl: e.PUBLIC_URL ?? `http://localhost:${e.PORT}`,
    trustedOrigins: e.PUBLIC_URL
      ? [e.PUBLIC_URL]
      : [`http://localhost:${e.PORT}`, `http://127.0.0.1:${e.PORT}`],
    logLevel: e.LOG_LEVEL,
    signInLimitPerMinute: e.AUTH_SIGN_IN_LIMIT_PER_MINUTE,
    requireEmailVerification: e.AUTH_REQUIRE_EMAIL_VERIFICATION,
    trustProxy: e.TRUST_PROXY,
    recurringTickMs: e.RECURRING_TICK_MS,
    dapr: {
      httpPort: e.DAPR_HTTP_PORT,
      pubsubName: e.PUBSUB_NAME,
      stateStoreName: e.STATESTORE_NAME,
      notificationAppId: e.NOTIFICATION_APP_ID,
    },
    migrateOnStart: e.MIGRATE_ON_START,
    maxActiveTemplates: e.MAX_ACTIVE_RECURRING_TASKS,
  };
}
