import type { TestContext } from "node:test";
import { OutboxFeed } from "@todo/events";
import { listenForTests } from "@todo/server/testing";
import type { FastifyServerOptions } from "fastify";
import webpush from "web-push";
import { buildBackend } from "../../backend/src/app.ts";
import type { NotificationServiceDeps } from "../src/service.ts";
import { fixedResolver, openService, testConfig } from "./helpers.ts";

export { assertProblem, type Reply } from "@todo/server/testing";

/**
 * The backend with this service's plugin, on a fresh database and a loopback port, as the
 * embedded mode and the distributed backend mount it. The worker is not started.
 */
export async function buildApi(
  t: TestContext,
  options: Partial<Omit<NotificationServiceDeps, "database" | "stateStore">> & {
    /** The backend's logger options (off unless given). */
    logger?: FastifyServerOptions["logger"];
  } = {},
) {
  const { logger = false, ...serviceOptions } = options;
  const opened = await openService(t, serviceOptions);
  const feed = new OutboxFeed(opened.database, { pollIntervalMs: 50 });
  await feed.start();
  const backend = await buildBackend({
    database: opened.database,
    feed,
    authSecret: "test-secret-that-is-long-enough-for-better-auth",
    publicUrl: "http://localhost",
    signInLimitPerMinute: 1000,
    logger,
    plugins: [opened.service.plugin],
  });
  opened.onClose(async () => {
    await backend.app.close();
    await feed.stop();
  });
  return { ...opened, ...(await listenForTests(backend.app)), backend };
}

/** The API with VAPID keys configured and public DNS answers, for the push subscription routes. */
export async function buildPushApi(
  t: TestContext,
  options: { logger?: FastifyServerOptions["logger"] } = {},
) {
  const vapid = webpush.generateVAPIDKeys();
  const api = await buildApi(t, {
    config: testConfig({
      push: { ...vapid, subject: "mailto:ops@example.com" },
      webhooks: { allowPrivateNetworks: false, timeoutMs: 1000 },
    }),
    resolve: fixedResolver("93.184.216.34"),
    ...options,
  });
  return { api, vapid };
}
