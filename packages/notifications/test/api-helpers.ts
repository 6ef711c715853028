import type { TestContext } from "node:test";
import { buildBackend } from "@todo/api";
import { createOutboxDriver, OutboxFeed } from "@todo/events";
import { createRegistry } from "@todo/server";
import type { FastifyServerOptions } from "fastify";
import webpush from "web-push";
import type { NotificationServiceDeps } from "../src/service.ts";
import { fixedResolver, openService, quietLog, testConfig } from "./helpers.ts";
import { type InvokedService, startInvokedService } from "./invocation-helpers.ts";

export interface Reply {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: replies are JSON of many shapes; tests assert on them
  body: any;
}

let counter = 0;

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
  const feed = new OutboxFeed(opened.database, { pollIntervalMs: 50 });
  await feed.start();
  const backend = await buildBackend({
    registry: createRegistry("test"),
    database: opened.database,
    feed,
    authSecret: "test-secret-that-is-long-enough-for-better-auth",
    publicUrl: "http://localhost",
    signInLimitPerMinute: 1000,
    logger,
    plugins: [invoked ? invoked.proxy : opened.service.plugin],
  });
  opened.onClose(async () => {
    await backend.app.close();
    await feed.stop();
  });
  await backend.app.listen({ port: 0, host: "127.0.0.1" });
  const baseUrl = `http://127.0.0.1:${(backend.app.server.address() as { port: number }).port}`;

  async function request(
    method: string,
    path: string,
    {
      token,
      body,
      headers: extra,
    }: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Reply> {
    const headers: Record<string, string> = { ...extra };
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {}
    return { status: response.status, headers: response.headers, body: parsed };
  }

  async function signUp(name = "Test User") {
    counter += 1;
    const email = `user${counter}-${process.pid}@example.com`;
    const reply = await request("POST", "/api/auth/sign-up/email", {
      body: { email, password: "correct horse battery", name },
    });
    if (reply.status !== 200)
      throw new Error(`sign-up failed: ${reply.status} ${JSON.stringify(reply.body)}`);
    return { token: reply.body.token as string, userId: reply.body.user.id as string, email };
  }

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

  return { ...opened, backend, baseUrl, request, signUp, startPipeline, invoked };
}

export function assertProblem(reply: Reply, status: number, code: string, field?: string): void {
  if (reply.status !== status || reply.body?.code !== code) {
    throw new Error(`expected ${status} ${code}, got ${reply.status} ${JSON.stringify(reply.body)}`);
  }
  if (!reply.headers.get("content-type")?.startsWith("application/problem+json")) {
    throw new Error(`expected problem+json, got ${reply.headers.get("content-type")}`);
  }
  if (field && !reply.body.errors?.some((e: { field: string }) => e.field === field)) {
    throw new Error(`expected an error naming ${field}, got ${JSON.stringify(reply.body.errors)}`);
  }
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
