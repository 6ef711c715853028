// For tests of this package and of the packages whose routes it mounts (notifications, activity).
import type { DatabaseHandle } from "@todo/db";
import { OutboxFeed } from "@todo/events";
import { createRegistry } from "@todo/server";
import { type Backend, type BackendDeps, buildBackend } from "./app.ts";

/**
 * The backend as tests build it on `database`: a started outbox feed polling every 50 ms, a fixed
 * test auth secret, http://localhost as its public URL, 1000 sign-ins a minute, no logger and a
 * registry of its own; `overrides` replace any of these. `stop()` closes the server, then the
 * feed; the database is the caller's to close.
 */
export async function startTestBackend(
  database: DatabaseHandle,
  overrides: Partial<Omit<BackendDeps, "database" | "feed">> = {},
): Promise<{ backend: Backend; feed: OutboxFeed; stop: () => Promise<void> }> {
  const feed = new OutboxFeed(database, { pollIntervalMs: 50 });
  await feed.start();
  const backend = await buildBackend({
    registry: createRegistry("test"),
    authSecret: "test-secret-that-is-long-enough-for-better-auth",
    publicUrl: "http://localhost",
    signInLimitPerMinute: 1000,
    logger: false,
    ...overrides,
    database,
    feed,
  });
  return {
    backend,
    feed,
    stop: async () => {
      await backend.app.close();
      await feed.stop();
    },
  };
}
