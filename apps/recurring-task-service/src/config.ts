import { Port, PostgresUrl, parseEnv, serviceEnv, serviceSettings } from "@todo/server";
import { z } from "zod";

const Env = z.object({
  ...serviceEnv,
  PORT: Port.default(3002),
  DATABASE_URL: PostgresUrl,
});

export function loadRecurringConfig(env: NodeJS.ProcessEnv = process.env) {
  return serviceSettings(parseEnv(Env, env));
}
