import type { TestContext } from "node:test";
import type { DatabaseHandle } from "@todo/db";
import { openTestDatabase } from "@todo/db/testing";
import { createRegistry } from "@todo/server";
import { listenForTests, type TestClient } from "@todo/server/testing";
import type { FastifyServerOptions } from "fastify";
import type { Backend } from "../src/app.ts";
import type { LiveStreamOptions } from "../src/routes/event-stream.ts";
import { startTestBackend } from "../src/testing.ts";
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
    /** Better Auth's own password hash (scrypt, what the services use) instead of the cheap test one. */
    betterAuthPasswordHash?: boolean;
  } = {},
): Promise<TestApi> {
  const database = await openTestDatabase();
  const { backend, stop } = await startTestBackend(database, {
    registry: createRegistry("backend"),
    ...(options.signInLimitPerMinute !== undefined
      ? { signInLimitPerMinute: options.signInLimitPerMinute }
      : {}),
    ...(options.maxActiveTemplates !== undefined ? { maxActiveTemplates: options.maxActiveTemplates } : {}),
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
    ...(options.liveStreams ? { liveStreams: options.liveStreams } : {}),
    trustProxy: options.trustProxy ?? false,
    ...(options.sendVerificationMail ? { sendVerificationMail: options.sendVerificationMail } : {}),
    ...(options.betterAuthPasswordHash ? { passwordHash: undefined } : {}),
  });
  t.after(async () => {
    await stop();
    await database.close();
  });

  return { ...(await listenForTests(backend.app)), backend, db: database.db, database };
}
