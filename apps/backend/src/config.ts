import { z } from "zod";

const LogLevel = z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]);
const Flag = z
  .enum(["true", "false", "1", "0"])
  .default("false")
  .transform((v) => v === "true" || v === "1");

const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("127.0.0.1"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  DATA_DIR: z.string().min(1).default("./.data"),
  BETTER_AUTH_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  PUBLIC_URL: z.url().optional(),
  LOG_LEVEL: LogLevel.default("info"),
  AUTH_SIGN_IN_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(10),
  TRUST_PROXY: Flag,
  RECURRING_TICK_MS: z.coerce.number().int().min(100).max(60_000).default(1000),
});

export type BackendConfig = {
  port: number;
  host: string;
  database: { kind: "postgres"; url: string; poolSize: number } | { kind: "pglite"; dataDir: string };
  dataDir: string;
  authSecret: string | undefined;
  publicUrl: string;
  logLevel: z.infer<typeof LogLevel>;
  signInLimitPerMinute: number;
  trustProxy: boolean;
  /** Embedded mode: how often the recurring and reminder scheduler runs. */
  recurringTickMs: number;
};

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Reads the environment once; a bad value stops start-up with a message naming the variable. */
export function loadBackendConfig(env: NodeJS.ProcessEnv = process.env): BackendConfig {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    database: e.DATABASE_URL
      ? { kind: "postgres", url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE }
      : { kind: "pglite", dataDir: e.DATA_DIR },
    dataDir: e.DATA_DIR,
    authSecret: e.BETTER_AUTH_SECRET,
    publicUrl: e.PUBLIC_URL ?? `http://localhost:${e.PORT}`,
    logLevel: e.LOG_LEVEL,
    signInLimitPerMinute: e.AUTH_SIGN_IN_LIMIT_PER_MINUTE,
    trustProxy: e.TRUST_PROXY,
    recurringTickMs: e.RECURRING_TICK_MS,
  };
}
