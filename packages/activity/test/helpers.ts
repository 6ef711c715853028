import type { TestContext } from "node:test";
import { startTestBackend } from "@todo/api/testing";
import { openTestDatabase } from "@todo/db/testing";
import { createOutboxDriver } from "@todo/events";
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
  const { backend, stop } = await startTestBackend(database, { registry, plugins: [service.plugin] });
  const relay = createOutboxDriver({
    database,
    subscriptions: service.subscriptions,
    log: silentLog,
    registry,
  });
  await relay.start();
  t.after(async () => {
    await stop();
    await relay.stop();
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
