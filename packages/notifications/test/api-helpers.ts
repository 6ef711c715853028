import type { TestContext } from "node:test";
import { startTestBackend } from "@todo/api/testing";
import { createOutboxDriver } from "@todo/events";
import { createRegistry } from "@todo/server";
import { listenForTests } from "@todo/server/testing";
import type { FastifyServerOptions } from "fastify";
import webpush from "web-push";
import type { NotificationServiceDeps } from "../src/service.ts";
import { fixedResolver, openService, quietLog, testConfig } from "./helpers.ts";
import { type InvokedService, startInvokedService } from "./invocation-helpers.ts";

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
    /**
     * Distributed mode: the routes on the notification service's own server, reached from the
     * backend by service invocation (see invocation-helpers.ts), instead of mounted in the backend.
     */
    invocation?: { callerAppId?: string; appId?: string };
  } = {},
) {
  const { logger = false, invocation, ...serviceOptions } = options;
  const opened = await openService(t, serviceOptions);
  let invoked: InvokedService | undefined;
  if (invocation) {
    invoked = await startInvokedService(opened.service.plugin, invocation);
    opened.onClose(() => invoked?.close());
  }
  const { backend, stop } = await startTestBackend(opened.database, {
    logger,
    plugins: [invoked ? invoked.proxy : opened.service.plugin],
  });
  opened.onClose(stop);
  /** Runs events as the embedded mode does: the outbox driver into the subscriptions, and the worker. */
  async function startPipeline(): Promise<void> {
    const relay = createOutboxDriver({
      database: opened.database,
      subscriptions: opened.service.subscriptions,
      log: quietLog,
      registry: createRegistry("test"),
    });
    opened.onClose(() => relay.stop());
    await relay.start();
    await opened.service.start();
  }

  return { ...opened, ...(await listenForTests(backend.app)), backend, startPipeline, invoked };
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
