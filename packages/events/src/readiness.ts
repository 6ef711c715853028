import type { DatabaseHandle } from "@todo/db";
import type { ReadinessCheck } from "@todo/server";
import { sql } from "kysely";

/** Reports an outbox that is falling behind (broker or sidecar down); informational, like the sidecar. */
export function outboxLagCheck(database: DatabaseHandle, maxSeconds = 30): ReadinessCheck {
  return {
    name: "outbox_lag",
    critical: false,
    check: async () => {
      const { rows } = await sql<{ age: number | null }>`
        SELECT extract(epoch FROM now() - min(created_at))::float8 AS age FROM outbox WHERE published_at IS NULL`.execute(
        database.db,
      );
      const age = Number(rows[0]?.age ?? 0);
      return age > maxSeconds ? `oldest unpublished event is ${Math.round(age)} s old` : null;
    },
  };
}

/** The one check that makes a service unready: it cannot reach its database. */
export function databaseCheck(database: DatabaseHandle): ReadinessCheck {
  return {
    name: "database",
    check: async () => {
      await sql`select 1`.execute(database.db);
      return null;
    },
  };
}
