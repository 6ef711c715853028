// The distributed mode as the benchmarks run it: our services beside their sidecars on the stack,
// the probe subscriber's record of what it received, and helpers to call the API and read the
// benchmark database.
import pg from "pg";
import type { BenchUser } from "./seed.ts";
import { bundle, bundleNode, imageEnvironment } from "./services.ts";
import {
  type AppId,
  appPort,
  daprPort,
  log,
  ports,
  type Service,
  sidecar,
  spawnService,
  waitForHttp,
  waitUntil,
} from "./stack.ts";
import type { Delivery } from "./subscriber.ts";

export const secret = "benchmark-secret-benchmark-secret-0123456789";
export const backendUrl = `http://127.0.0.1:${appPort("backend")}`;
export const subscriberUrl = `http://127.0.0.1:${appPort("notification-service")}`;
export const services: Service[] = [];
/** The benchmark's database on the stack's PostgreSQL (created and seeded by the runner). */
export const databaseUrl = `postgres://todo@127.0.0.1:${ports.POSTGRES_PORT}/bench`;

/**
 * A service as its image runs it: its bundle (scripts/bundle.mjs, as the Dockerfile builds it) on
 * the images' Node (BENCH_NODE), with the image's compile cache, NODE_OPTIONS and malloc arenas.
 */
export async function spawnAsImage(app: AppId, env: Record<string, string>): Promise<Service> {
  const entry = await bundle(app);
  return spawnService(`app-${app}`, bundleNode, [entry], { ...imageEnvironment(entry), ...env });
}

export async function startDistributed(): Promise<void> {
  const common = { HOST: "127.0.0.1", LOG_LEVEL: "warn", DATABASE_URL: databaseUrl };
  // Every service runs as its image runs it: the API rows report the backend's CPU per request and
  // its RSS under load, and the recurring benchmark measures the scheduler against the events its
  // instances set off, which the other services handle on the same two cores.
  const backend = await spawnAsImage("backend", {
    ...common,
    PORT: String(appPort("backend")),
    DAPR_HTTP_PORT: String(daprPort("backend")),
    BETTER_AUTH_SECRET: secret,
    AUTH_SIGN_IN_LIMIT_PER_MINUTE: "1000",
    // The benchmark's webhook receiver listens on 127.0.0.1.
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: "true",
  });
  services.push(backend);
  await waitForHttp(`${backendUrl}/readyz`, 60_000, backend);
  await sidecar.start("backend");
  const recurring = await spawnAsImage("recurring-task-service", {
    ...common,
    PORT: String(appPort("recurring-task-service")),
    DAPR_HTTP_PORT: String(daprPort("recurring-task-service")),
  });
  services.push(recurring);
  await waitForHttp(`http://127.0.0.1:${appPort("recurring-task-service")}/readyz`, 60_000, recurring);
  await sidecar.start("recurring-task-service");
  const subscriber = spawnService(
    "app-bench-subscriber",
    process.execPath,
    ["--import", "tsx", "bench/subscriber.ts", String(appPort("notification-service")), databaseUrl],
    {},
  );
  services.push(subscriber);
  await waitForHttp(`${subscriberUrl}/healthz`, 60_000, subscriber);
  await sidecar.start("notification-service");
  const audit = await spawnAsImage("audit-service", {
    ...common,
    PORT: String(appPort("audit-service")),
    DAPR_HTTP_PORT: String(daprPort("audit-service")),
  });
  services.push(audit);
  await waitForHttp(`http://127.0.0.1:${appPort("audit-service")}/healthz`, 60_000, audit);
  await sidecar.start("audit-service");
}

export async function stopDistributed(): Promise<void> {
  for (const app of ["audit-service", "notification-service", "recurring-task-service", "backend"] as const)
    await sidecar.stop(app).catch(() => {});
  for (const service of services.splice(0).reverse()) await service.stop();
}

// --- the subscriber's record --------------------------------------------------------------------
export let seen = 0;
export const deliveries: Delivery[] = [];
export async function pollDeliveries(): Promise<Delivery[]> {
  const response = await fetch(`${subscriberUrl}/bench/deliveries?from=${seen}`);
  const body = (await response.json()) as { total: number; items: Delivery[] };
  deliveries.push(...body.items);
  seen += body.items.length;
  return deliveries;
}
/** The ids of the tasks that `createTask` calls created. */
export const createdIds = (created: { id?: number }[]) =>
  new Set(created.filter((c) => c.id).map((c) => c.id!));

/** Until the subscriber has received the task.created event of every task in `ids`. */
export function waitForCreatedEvents(ids: Set<number>, what: string, timeoutMs: number): Promise<boolean> {
  return waitUntil(
    async () => {
      await pollDeliveries();
      const got = receivedTaskIds();
      return [...ids].every((id) => got.has(id));
    },
    what,
    timeoutMs,
    250,
  );
}

export const receivedTaskIds = (type = "task.created") =>
  new Set(deliveries.filter((d) => d.eventType === type).map((d) => d.taskId));

// --- API helpers ----------------------------------------------------------------------------------
export const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)]!;
export const auth = (user: BenchUser) => ({ authorization: `Bearer ${user.token}` });

export async function createTask(user: BenchUser, body: object): Promise<{ status: number; id?: number }> {
  try {
    const response = await fetch(`${backendUrl}/api/${user.id}/tasks`, {
      method: "POST",
      headers: { ...auth(user), "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const json = (await response.json()) as { id?: number };
    return { status: response.status, ...(json.id ? { id: json.id } : {}) };
  } catch {
    return { status: 0 };
  }
}

/** Calls `fn` `perSecond` times a second (open loop) until `until()` is true; answers the results. */
export async function paced<T>(
  perSecond: number,
  until: () => boolean,
  fn: (i: number) => Promise<T>,
): Promise<T[]> {
  const pending: Promise<T>[] = [];
  const started = performance.now();
  for (let i = 0; !until(); i++) {
    pending.push(fn(i));
    const wait = started + ((i + 1) * 1000) / perSecond - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  return Promise.all(pending);
}

/** Until the subscriber has received every task event published so far (a backlog is not latency). */
export async function waitForSubscriber(timeoutMs: number): Promise<void> {
  await drainOutbox(timeoutMs);
  const published = (
    await query<{ n: number }>("SELECT count(*)::int AS n FROM outbox WHERE topic = 'task-events'")
  )[0]!.n;
  await waitUntil(
    async () => {
      await pollDeliveries();
      return new Set(deliveries.map((d) => d.eventId)).size >= published;
    },
    "the subscriber to catch up",
    timeoutMs,
    500,
  );
}

/**
 * Waits until the stack is quiet: no reminder due, the outbox drained and both consumers (the
 * benchmark's subscriber in the notification service's place, and the audit service) idle, no
 * event handled for `quietMs`. A latency benchmark then measures its own work, not the consumers
 * still catching up with the backlog the benchmark before it left on the same two cores. Answers
 * the wait in ms; past `timeoutMs` in all it logs what it gave up on and answers (as waitUntil).
 */
export async function settle(timeoutMs: number, quietMs = 2_000): Promise<number> {
  const started = performance.now();
  const left = () => Math.max(1, timeoutMs - (performance.now() - started));
  // A due reminder's sweep writes its event in the same transaction, so once none is due, the
  // outbox holds all of them (a burst of creates due within their reminder offset sets off one
  // task.due.approaching each, still going out long after the creates).
  await waitForNone("tasks WHERE next_reminder_at <= now()", "the due reminders to be swept", left());
  await drainOutbox(left());
  const counts = async () => {
    await pollDeliveries();
    return `${deliveries.length},${await consumedTotal("audit-service")}`;
  };
  let last = await counts();
  let since = performance.now();
  await waitUntil(
    async () => {
      const now = await counts();
      if (now !== last) {
        last = now;
        since = performance.now();
      }
      return performance.now() - since >= quietMs;
    },
    "the consumers to go quiet",
    left(),
    250,
  );
  return Math.round(performance.now() - started);
}

export function drainOutbox(timeoutMs: number): Promise<boolean> {
  return waitForNone("outbox WHERE published_at IS NULL", "the outbox to drain", timeoutMs);
}

/** Polls (every 250 ms) until `SELECT count(*) FROM <rows>` is 0; false after `timeoutMs`. */
function waitForNone(rows: string, what: string, timeoutMs: number): Promise<boolean> {
  return waitUntil(
    async () => (await query<{ n: number }>(`SELECT count(*)::int AS n FROM ${rows}`))[0]!.n === 0,
    what,
    timeoutMs,
    250,
  );
}

export async function query<T>(text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as T[];
  } finally {
    await client.end();
  }
}

/**
 * How many events a consuming service has handled (its /metrics `events_consumed_total`, any
 * outcome); the notification service's unless another is named.
 */
export async function consumedTotal(
  app: "notification-service" | "audit-service" = "notification-service",
): Promise<number> {
  const text = await fetch(`http://127.0.0.1:${appPort(app)}/metrics`).then((r) => r.text());
  let total = 0;
  for (const m of text.matchAll(/^events_consumed_total\{[^}]*\} (\d+)/gm)) total += Number(m[1]);
  return total;
}

/** Publishes CloudEvents through the backend's sidecar, 8 at a time; answers how many failed. */
export async function republish(
  events: { cloudEvent: Record<string, unknown>; key: string }[],
): Promise<number> {
  const publishUrl = `http://127.0.0.1:${daprPort("backend")}/v1.0/publish/task-pubsub/task-events`;
  let failed = 0;
  let next = 0;
  let lastRefusal = "";
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < events.length) {
        const { cloudEvent, key } = events[next++]!;
        // A publish the sidecar refuses (its resiliency policy may be open after the outage) is
        // tried again, as a relay would: every event is to be delivered a second time.
        let ok = false;
        for (let attempt = 0; attempt < 8 && !ok; attempt++) {
          if (attempt > 0) await new Promise((r) => setTimeout(r, 250 * 2 ** attempt));
          const response = await fetch(`${publishUrl}?metadata.partitionKey=${encodeURIComponent(key)}`, {
            method: "POST",
            headers: { "content-type": "application/cloudevents+json" },
            body: JSON.stringify(cloudEvent),
          }).catch(() => undefined);
          await response?.body?.cancel();
          ok = response?.status === 204;
          if (!ok && lastRefusal === "") lastRefusal = `${response?.status ?? "no answer"}`;
        }
        if (!ok) failed++;
      }
    }),
  );
  if (lastRefusal)
    log(`republish: the sidecar refused at least once (first: ${lastRefusal}); ${failed} never went out`);
  return failed;
}
