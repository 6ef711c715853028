import { randomUUID } from "node:crypto";
import type { FastifyInstance } from "fastify";

/** One HTTP answer as tests read it: the status, the headers, and the body parsed as JSON when it is. */
export interface Reply {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: replies are JSON of many shapes; tests assert on them
  body: any;
}

export interface RequestOptions {
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as it is, with `Content-Type: application/json` (malformed bodies). */
  raw?: string;
  headers?: Record<string, string>;
}

/** A test's view of an API served on a loopback port: real HTTP, as a client would call it. */
export interface TestClient {
  baseUrl: string;
  request(method: string, path: string, options?: RequestOptions): Promise<Reply>;
  /** Signs a new user up through Better Auth's e-mail route; throws unless the answer is 200. */
  signUp(name?: string): Promise<{ token: string; userId: string; email: string }>;
}

/**
 * Serves `app` on a free loopback port (the app's `close()` stops it) and returns a client for it.
 * Every sign-up gets a new e-mail address, so tests sharing one server never see each other's users.
 */
export async function listenForTests(app: FastifyInstance): Promise<TestClient> {
  await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address();
  if (typeof address !== "object" || !address) throw new Error("the test server has no TCP address");
  return testClient(`http://127.0.0.1:${address.port}`);
}

export function testClient(baseUrl: string): TestClient {
  const request: TestClient["request"] = async (method, path, { token, body, raw, headers: extra } = {}) => {
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
    baseUrl,
    request,
    async signUp(name = "Test User") {
      const email = `user-${randomUUID()}@example.com`;
      const reply = await request("POST", "/api/auth/sign-up/email", {
        body: { email, password: "correct horse battery", name },
      });
      if (reply.status !== 200)
        throw new Error(`sign-up failed: ${reply.status} ${JSON.stringify(reply.body)}`);
      return { token: reply.body.token as string, userId: reply.body.user.id as string, email };
    },
  };
}

/**
 * Throws unless `reply` is an `application/problem+json` answer with this status and `code`, and,
 * when `field` is given, an entry in `errors` naming that field.
 */
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

/**
 * Polls `probe` every 25 ms until it returns something truthy, and returns that; throws naming
 * `what` after `timeoutMs`. A bound on waiting for something asynchronous, not a timing assertion.
 */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
