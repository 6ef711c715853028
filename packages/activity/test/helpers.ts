import type { TestContext } from "node:test";
import { buildBackend } from "@todo/api";
import { openTestDatabase } from "@todo/db/testing";
import { createOutboxDriver, OutboxFeed } from "@todo/events";
import { createRegistry, silentLog } from "@todo/server";
import { listenForTests, waitFor } from "@todo/server/testing";
import { createActivityService } from "../src/service.ts";

export { assertProblem, type Reply, waitFor } from "@todo/server/testing";

/**
 * The backend with the activity plugin on a fresh database and a loopback port, events driven
 * from the outbox into the audit subscription as the embedded mode runs them.
 */
export async function buildActivityApi(t: TestContext, options: { retentionDays?: number } = {}) {
  const database = await openTestDatabase();
  const registry = createRegistry("activity-test");
  const service = createActivityService({
    database,
    config: { retentionDays: options.retentionDays ?? 365 },
    registry,
    log: silentLog,
  });
  const feed = new OutboxFeed(database, { pollIntervalMs: 50 });
  await feed.start();
  const backend = await buildBackend({
    registry,
    database,
    feed,
    authSecret: "test-secret-that-is-long-enough-for-better-auth",
    publicUrl: "http://localhost",
    signInLimitPerMinute: 1000,
    logger: false,
    plugins: [service.plugin],
  });
  const relay = createOutboxDriver({
    database,
    subscriptions: service.subscriptions,
    log: silentLog,
    registry,
  });
  await relay.start();
  t.after(async () => {
    await backend.app.close();
    await relay.stop();
    await feed.stop();
    await service.stop();
    await database.close();
  });
  const client = await listenForTests(backend.app);
  /** Waits until the task's history holds `count` entries, and returns them (oldest first). */
  async function story(user: { userId: string; token: string }, taskId: number, count: number) {
    return waitFor(async () => {
      const reply = await client.request("GET", `/api/${user.userId}/tasks/${taskId}/activity`, {
        token: user.token,
      });
      return reply.status === 200 && reply.body.items.length >= count ? reply.body.items : null;
    }, `${count} activity entries of task ${taskId}`);
  }
  return { ...client, database, db: database.db, service, registry, story };
}
