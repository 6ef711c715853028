import { Port, PostgresUrl, parseEnv, serviceEnv, serviceSettings } from "@todo/server";
import { z } from "zod";

const activityEnv = {
  /** How long activity rows are kept, in days after the event's time. */
  ACTIVITY_RETENTION_DAYS: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z.coerce.number().int().min(1).max(36_500).default(365),
  ),
};

export interface ActivityConfig {
  /** Days an activity row is kept after its event (ACTIVITY_RETENTION_DAYS, default 365). */
  retentionDays: number;
}

/** The activity settings, the same in both modes; a bad value throws a ConfigError naming it. */
export function loadActivityConfig(env: NodeJS.ProcessEnv = process.env): ActivityConfig {
  return { retentionDays: parseEnv(z.object(activityEnv), env).ACTIVITY_RETENTION_DAYS };
}

const ServiceEnv = z.object({
  ...serviceEnv,
  PORT: Port.default(3003),
  DATABASE_URL: PostgresUrl,
  ...activityEnv,
});

/** audit-service's settings: its own server, database and sidecar, plus the retention. */
export function loadAuditServiceConfig(env: NodeJS.ProcessEnv = process.env) {
  const e = parseEnv(ServiceEnv, env);
  return { ...serviceSettings(e), activity: { retentionDays: e.ACTIVITY_RETENTION_DAYS } };
}
export type AuditServiceConfig = ReturnType<typeof loadAuditServiceConfig>;
