// biome-ignore-all lint/suspicious/noExplicitAny: the migrator works on any schema
import { type Kysely, type Migration, type MigrationResultSet, Migrator } from "kysely";
import * as auth from "./migrations/0001-auth.ts";
import * as todoCore from "./migrations/0002-todo-core.ts";
import * as events from "./migrations/0003-events.ts";
import * as notifications from "./migrations/0004-notifications.ts";
import * as schedules from "./migrations/0005-schedules.ts";
import * as clientTrust from "./migrations/0006-client-trust.ts";
import * as seriesIntent from "./migrations/0007-series-intent.ts";
import * as relayLease from "./migrations/0008-relay-lease.ts";
import * as eventSequences from "./migrations/0009-event-sequences.ts";
import * as oauthClients from "./migrations/0010-oauth-clients.ts";
import * as taskActivity from "./migrations/0011-task-activity.ts";
import * as writeSideIndexes from "./migrations/0012-write-side-indexes.ts";
import * as outboxClaim from "./migrations/0013-outbox-claim.ts";
import * as outboxPendingEstimate from "./migrations/0014-outbox-pending-estimate.ts";
import * as tagLinksByTag from "./migrations/0015-tag-links-by-tag.ts";
import * as outboxClaimIndexScan from "./migrations/0016-outbox-claim-index-scan.ts";

// Listed here, not read from disk, so bundles and the embedded mode find them the same way.
export const migrations: Record<string, Migration> = {
  "0001-auth": auth,
  "0002-todo-core": todoCore,
  "0003-events": events,
  "0004-notifications": notifications,
  "0005-schedules": schedules,
  "0006-client-trust": clientTrust,
  "0007-series-intent": seriesIntent,
  "0008-relay-lease": relayLease,
  "0009-event-sequences": eventSequences,
  "0010-oauth-clients": oauthClients,
  "0011-task-activity": taskActivity,
  "0012-write-side-indexes": writeSideIndexes,
  "0013-outbox-claim": outboxClaim,
  "0014-outbox-pending-estimate": outboxPendingEstimate,
  "0015-tag-links-by-tag": tagLinksByTag,
  "0016-outbox-claim-index-scan": outboxClaimIndexScan,
};

function migrator(db: Kysely<any>): Migrator {
  // Unordered: migrations written on parallel branches may land in either order.
  return new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    allowUnorderedMigrations: true,
  });
}

function unwrap(result: MigrationResultSet): string[] {
  if (result.error) {
    const failed = result.results?.find((r) => r.status === "Error");
    throw new Error(`migration ${failed?.migrationName ?? "?"} failed: ${String(result.error)}`, {
      cause: result.error,
    });
  }
  return (result.results ?? []).map((r) => `${r.direction} ${r.migrationName}`);
}

export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  return unwrap(await migrator(db).migrateToLatest());
}

export async function migrateDown(db: Kysely<any>, steps = 1): Promise<string[]> {
  const done: string[] = [];
  for (let i = 0; i < steps; i++) done.push(...unwrap(await migrator(db).migrateDown()));
  return done;
}

export async function migrationStatus(db: Kysely<any>): Promise<{ name: string; executedAt?: Date }[]> {
  const list = await migrator(db).getMigrations();
  return list.map((m) => ({ name: m.name, ...(m.executedAt ? { executedAt: m.executedAt } : {}) }));
}
