import { randomUUID } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { TestContext } from "node:test";
import { sampleTask } from "@todo/contracts/testing";
import type { DatabaseHandle } from "@todo/db";
import { createTestUser, openTestDatabase } from "@todo/db/testing";
import { createMemoryStateStore, type StateStore, toCloudEvent } from "@todo/events";
import { createRegistry, type Registry, silentLog } from "@todo/server";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import type { NotificationConfig } from "../src/config.ts";
import type { Resolver } from "../src/network-guard.ts";
import { createNotificationService, type NotificationServiceDeps } from "../src/service.ts";

export const quietLog = silentLog;

export function testConfig(overrides: Partial<NotificationConfig> = {}): NotificationConfig {
  return {
    email: null,
    push: null,
    webhooks: { allowPrivateNetworks: true, timeoutMs: 2_000 },
    ...overrides,
  };
}

/** A migrated database and a service on it (worker not started), closed when the test ends. */
export async function openService(
  t: TestContext,
  options: Partial<Omit<NotificationServiceDeps, "database" | "stateStore">> & {
    stateStore?: StateStore;
  } = {},
) {
  const database = await openTestDatabase();
  const stateStore = options.stateStore ?? createMemoryStateStore();
  const registry: Registry = options.registry ?? createRegistry("notification-test");
  const service = createNotificationService({
    database,
    stateStore,
    config: testConfig(),
    registry,
    log: quietLog,
    retry: { baseMs: 40, maxMs: 200, maxAttempts: 8 },
    worker: { pollIntervalMs: 100 },
    ...options,
  });
  // node:test runs after-hooks first registered first: what is built on the database is stopped
  // here, newest first, before it closes.
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  t.after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    await service.stop();
    await database.close();
  });
  const onClose = (cleanup: () => Promise<unknown> | unknown) => cleanups.push(cleanup);
  return { database, db: database.db, service, stateStore, registry, onClose };
}

export function createUser(database: DatabaseHandle, name = "Ada"): Promise<{ id: string; email: string }> {
  return createTestUser(database, name);
}

type EventType = "task.created" | "task.updated" | "task.completed" | "task.deleted" | "task.due.approaching";

/** A task event as a producer would write it, wrapped in its CloudEvent like Dapr delivers it. */
export function taskEvent(
  type: EventType,
  userId: string,
  options: {
    taskId?: number;
    title?: string;
    source?: "backend" | "recurring-task-service";
    eventId?: string;
  } = {},
) {
  const taskId = options.taskId ?? 7;
  const task = sampleTask(userId, taskId, {
    ...(options.title ? { title: options.title } : {}),
    ...(type === "task.completed" ? { completed: true, completed_at: "2027-01-01T10:00:00.000Z" } : {}),
    ...(type === "task.due.approaching" ? { due_date: "2027-01-15T09:00:00.000Z" } : {}),
  });
  const data =
    type === "task.due.approaching"
      ? { task, due_date: "2027-01-15T09:00:00.000Z", offset_minutes: 60 }
      : type === "task.updated"
        ? { task, changed_fields: ["title"] }
        : { task };
  const payload = {
    event_id: options.eventId ?? randomUUID(),
    schema_version: 1,
    event_type: type,
    task_id: taskId,
    user_id: userId,
    // A reminder goes out an hour before its due time.
    timestamp: type === "task.due.approaching" ? "2027-01-15T08:00:00.000Z" : new Date().toISOString(),
    source: options.source ?? (type === "task.due.approaching" ? "recurring-task-service" : "backend"),
    data,
  };
  // biome-ignore lint/suspicious/noExplicitAny: the union of payload shapes is checked by the consumer
  return toCloudEvent(payload as any);
}

export function sendEvent(
  userId: string,
  data: { title: string; body: string; channels?: string[] },
  eventId = randomUUID(),
) {
  return {
    event_id: eventId,
    schema_version: 1,
    event_type: "notification.send",
    task_id: null,
    user_id: userId,
    timestamp: new Date().toISOString(),
    source: "backend",
    data,
  };
}

export { waitFor } from "@todo/server/testing";

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  at: number;
}

/** What the peers below need to be closed with: a test, or a suite's after-hook list. */
export interface Closes {
  after(fn: () => unknown): void;
}

/** A loopback HTTP server that records requests and answers as `respond` says (default 200). */
export async function startReceiver(
  t: Closes,
  respond: (
    request: ReceivedRequest,
    index: number,
  ) => { status: number; headers?: Record<string, string> } | "hang" = () => ({
    status: 200,
  }),
) {
  const received: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const request = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks),
        at: Date.now(),
      };
      received.push(request);
      const answer = respond(request, received.length - 1);
      if (answer === "hang") return;
      res.writeHead(answer.status, answer.headers ?? {});
      res.end(answer.status >= 400 ? "receiver says no" : "ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, port, received };
}

export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
}

/** A real SMTP server on loopback (the smtp-server package); mails are parsed with mailparser. */
export async function startSmtpServer(t: Closes) {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    disabledCommands: ["AUTH", "STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: parsed.subject ?? "",
            text: parsed.text ?? "",
            html: typeof parsed.html === "string" ? parsed.html : "",
          });
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const port = (server.server.address() as { port: number }).port;
  return { url: `smtp://127.0.0.1:${port}`, mails };
}

/** Answers one fixed set of addresses for every name: DNS as an attacker would run it. */
export function fixedResolver(...addresses: string[]): Resolver {
  return async () => addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
}
