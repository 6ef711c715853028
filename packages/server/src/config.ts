import { z } from "zod";

export class ConfigError extends Error {
  override name = "ConfigError";
}

export const LogLevel = z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]);
export const Flag = z
  .enum(["true", "false", "1", "0"])
  .default("false")
  .transform((v) => v === "true" || v === "1");
export const PostgresUrl = z
  .string({ error: (issue) => (issue.input === undefined ? "required" : "must be a postgres:// URL") })
  .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL");
export const Port = z.coerce.number().int().min(0).max(65535);

/** Settings every service reads the same way. */
export const serviceEnv = {
  HOST: z.string().min(1).default("127.0.0.1"),
  LOG_LEVEL: LogLevel.default("info"),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** Off behind a pooler that cannot keep prepared statements (PgBouncer in transaction mode < 1.21). */
  DATABASE_PREPARED_STATEMENTS: z
    .enum(["true", "false", "1", "0"])
    .default("true")
    .transform((v) => v === "true" || v === "1"),
  DAPR_HTTP_PORT: Port.default(3500),
  PUBSUB_NAME: z.string().min(1).default("task-pubsub"),
  STATESTORE_NAME: z.string().min(1).default("todo-statestore"),
};

type ServiceEnv = z.output<z.ZodObject<typeof serviceEnv>> & { PORT: number; DATABASE_URL: string };

/**
 * A distributed service's common settings from its parsed environment: where it listens, its log
 * level, its PostgreSQL server and its sidecar. Shapes: `{ port, host, logLevel, database: { kind:
 * "postgres", url, poolSize, preparedStatements }, dapr: { httpPort, pubsubName, stateStoreName } }`.
 */
export function serviceSettings(e: ServiceEnv) {
  return {
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    database: {
      kind: "postgres" as const,
      url: e.DATABASE_URL,
      poolSize: e.DATABASE_POOL_SIZE,
      preparedStatements: e.DATABASE_PREPARED_STATEMENTS,
    },
    dapr: { httpPort: e.DAPR_HTTP_PORT, pubsubName: e.PUBSUB_NAME, stateStoreName: e.STATESTORE_NAME },
  };
}

/** Validates the environment once; a bad value is reported with the variable's name. */
export function parseEnv<T extends z.ZodType>(schema: T, env: NodeJS.ProcessEnv): z.output<T> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join("\n")}`);
  }
  return parsed.data;
}

/** For a service's main: print the configuration problem and stop, without a stack trace. */
export function loadOrExit<T>(load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
