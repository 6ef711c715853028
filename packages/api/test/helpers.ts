import type { TestContext } from "node:test";
import type { DatabaseHandle } from "@todo/db";
import { openTestDatabase } from "@todo/db/testing";
import { OutboxFeed } from "@todo/events";
import { createRegistry } from "@todo/server";
import type { FastifyServerOptions } from "fastify";
import { type Backend, buildBackend } from "../src/app.ts";
import type { LiveStreamOptions } from "../src/routes/event-stream.ts";
import type { SendVerificationMail } from "../src/verification-mail.ts";

export interface TestApi {
  backend: Backend;
  db: DatabaseHandle["db"];
  database: DatabaseHandle;
  baseUrl: string;
  request(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> },
  ): Promise<Reply>;
  signUp(name?: string): Promise<{ token: string; userId: string; email: string }>;
}

export interface Reply {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: replies are JSON of many shapes; tests assert on them
  body: any;
}

let counter = 0;

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
  await backend.app.listen({ port: 0, host: "127.0.0.1" });
  const address = backend.app.server.address();
  const baseUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  t.after(async () => {
    await backend.app.close();
    await feed.stop();
    await database.close();
  });

  const request: TestApi["request"] = async (method, path, { token, body, raw, headers: extra } = {}) => {
    const headers: Record<string, string> = { ...extra };
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined || raw !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      ...(raw !== undefined ? { body: raw } : body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {}
    return { status: response.status, headers: response.headers, body: parsed };
  };

  return {
    backend,
    db: database.db,
    database,
    baseUrl,
    request,
    async signUp(name = "Test User") {
      counter += 1;
      const email = `user${counter}-${process.pid}@example.com`;
      const reply = await request("POST", "/api/auth/sign-up/email", {
        body: { email, password: "correct horse battery", name },
      });
      if (reply.status !== 200)
        throw new Error(`sign-up failed: ${reply.status} ${JSON.stringify(reply.body)}`);
      return { token: reply.body.token, userId: reply.body.user.id, email };
    },
  };
}

export function assertProblem(reply: Reply, status: number, code: string): void {
  if (reply.status !== status || reply.body?.code !== code) {
    throw new Error(`expected ${status} ${code}, got ${reply.status} ${JSON.stringify(reply.body)}`);
  }
  if (!reply.headers.get("content-type")?.startsWith("application/problem+json")) {
    throw new Error(`expected problem+json, got ${reply.headers.get("content-type")}`);
  }
}
