import { Port, PostgresUrl, parseEnv, serviceEnv } from "@todo/server";
import { z } from "zod";

const Env = z.object({
  ...serviceEnv,
  PORT: Port.default(3002),
  DATABASE_URL: PostgresUrl,
});

export function loadRecurringConfig(env: NodeJS.ProcessEnv = process.env) {
  const e = parseEnv(Env, env);
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
    dapr: { httpPort: e.DAPR_HTTP_PORT, pubsubName: e.PUBSUB_NAME },
  };
}
