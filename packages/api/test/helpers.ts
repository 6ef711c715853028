import type { TestContext } from "node:test";
import type { DatabaseHandle } from "@todo/db";
import { openTestDatabase } from "@todo/db/testing";
import { OutboxFeed } from "@todo/events";
import { createRegistry } from "@todo/server";
import { listenForTests, type TestClient } from "@todo/server/testing";
import type { FastifyServerOptions } from "fastify";
import { type Backend, buildBackend } from "../src/app.ts";
import type { LiveStreamOptions } from "../src/routes/event-stream.ts";
import type { SendVerificationMail } from "../src/verification-mail.ts";

export { assertProblem, type Reply } from "@todo/server/testing";

export interface TestApi extends TestClient {
  backend: Backend;
  db: DatabaseHandle["db"];
  database: DatabaseHandle;
}

/** A backend on a fresh database, listening on a loopback port, closed when the test ends. */
export async function build(
  t: TestContext,
  options: {
    signInLimitPerMinute?: number;
    maxActiveTemplates?: number;
    liveStreams?: LiveStreamOptions;
    trustProxy?: boolean;
    sendVerificationMail?: SendVerificationMail;
    logger?: FastifyServerOptions["logger"];
  } = {},
): Promise<TestApi> {
  const database = await openTestDatabase();
  const feed = new OutboxFeed(database, { pollIntervalMs: 50 });
  await feed.start();
  const backend = await buildBackend({
    registry: createRegistry("backend"),
    database,
    feed,
    authSecret: "test-secret-that-is-long-enough-for-better-auth",
    publicUrl: "http://localhost",
    signInLimitPerMinute: options.signInLimitPerMinute ?? 1000,
    ...(options.maxActiveTemplates !== undefined ? { maxActiveTemplates: options.maxActiveTemplates } : {}),
    logger: options.logger ?? false,
    ...(options.liveStreams ? { liveStreams: options.liveStreams } : {}),
    trustProxy: options.trustProxy ?? false,
    ...(options.sendVerificationMail ? { sendVerificationMail: options.sendVerificationMail } : {}),
  });
  t.after(async () => {
    await backend.app.close();
    await feed.stop();
    await database.close();
  });

  return { ...(await listenForTests(backend.app)), backend, db: database.db, database };
}
