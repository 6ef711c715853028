// `notification`: the real notification service: signed webhook latency, then every event again.

import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import type { DomainEvent } from "@todo/contracts";
import { toCloudEvent } from "@todo/events";
import {
  auth,
  backendUrl,
  consumedTotal,
  databaseUrl,
  drainOutbox,
  paced,
  query,
  republish,
  services,
  spawnAsImage,
  subscriberUrl,
} from "./distributed.ts";
import { type Benchmark, P, redelivery, row } from "./harness.ts";
import { summarize } from "./report.ts";
import type { BenchUser } from "./seed.ts";
import { appPort, daprPort, sidecar, stackDir, waitForHttp, waitUntil } from "./stack.ts";

export const notificationService: Benchmark = {
  name: "notification",
  run: ({ users }) => benchNotifications(users),
};

/**
 * The real notification service beside the notification-service sidecar (in place of the
 * subscriber): each of N users has a webhook for task.completed on a loopback receiver; their
 * pending tasks are completed at a steady pace, and each signed webhook is verified and timed from
 * the event's timestamp (taken in the completing transaction) to its receipt. Then every task
 * event of the run is published again: notifications, deliveries, tasks and webhooks must not grow.
 */
async function benchNotifications(users: BenchUser[]): Promise<void> {
  const { Webhook } = await import("standardwebhooks");
  await sidecar.stop("notification-service");
  const probe = services.find((s) => s.name === "app-bench-subscriber");
  if (probe) {
    await probe.stop();
    services.splice(services.indexOf(probe), 1);
  }
  const notifier = await spawnAsImage("notification-service", {
    HOST: "127.0.0.1",
    LOG_LEVEL: "warn",
    DATABASE_URL: databaseUrl,
    PORT: String(appPort("notification-service")),
    DAPR_HTTP_PORT: String(daprPort("notification-service")),
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: "true",
    // The token its sidecar presents (sidecar.sh reads it from the stack's secrets file).
    APP_API_TOKEN: stackAppApiToken(),
  });
  services.push(notifier);
  await waitForHttp(`${subscriberUrl}/readyz`, 60_000, notifier);
  await sidecar.start("notification-service");

  const receipts: { at: number; headers: Record<string, string>; body: string }[] = [];
  const receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      receipts.push({ at: Date.now(), headers: req.headers as Record<string, string>, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  try {
    const hookUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
    const chosen = users.slice(-P.notifyUsers);
    const secrets = new Map<string, string>();
    for (const u of chosen) {
      const response = await fetch(`${backendUrl}/api/${u.id}/webhooks`, {
        method: "POST",
        headers: { ...auth(u), "content-type": "application/json" },
        body: JSON.stringify({ url: hookUrl, event_types: ["task.completed"] }),
      });
      if (response.status !== 201) throw new Error(`webhook creation answered ${response.status}`);
      secrets.set(u.id, ((await response.json()) as { secret: string }).secret);
    }
    // Their pending (seeded) tasks, dealt round-robin over the users.
    const perUser = Math.ceil(P.notifications / chosen.length);
    const completions = (
      await query<{ id: number; user_id: string }>(
        `SELECT id, user_id FROM (
           SELECT id, user_id, row_number() OVER (PARTITION BY user_id ORDER BY id) AS n
           FROM tasks WHERE user_id = ANY($1::uuid[]) AND NOT completed) x
         WHERE n <= $2 ORDER BY n, user_id`,
        [chosen.map((u) => u.id), perUser],
      )
    ).slice(0, P.notifications);
    const byId = new Map(chosen.map((u) => [u.id, u]));
    const rate = 10;
    let i = 0;
    const statuses = await paced(
      rate,
      () => i >= completions.length,
      async () => {
        const c = completions[i++]!;
        const u = byId.get(c.user_id)!;
        const r = await fetch(`${backendUrl}/api/${u.id}/tasks/${c.id}/complete`, {
          method: "PATCH",
          headers: auth(u),
        });
        await r.arrayBuffer();
        return r.status;
      },
    );
    await waitUntil(() => receipts.length >= completions.length, "the webhooks", 120_000, 250);
    const delays: number[] = [];
    let unverified = 0;
    for (const r of receipts) {
      const body = JSON.parse(r.body) as { type: string; data: { user_id: string; timestamp: string } };
      try {
        new Webhook(secrets.get(body.data.user_id)!).verify(r.body, r.headers);
      } catch {
        unverified++;
        continue;
      }
      if (body.type === "task.completed") delays.push(r.at - Date.parse(body.data.timestamp));
    }
    const stats = summarize(delays);
    const failedCompletions = statuses.filter((st) => st !== 200).length;
    const note = `${stats.count}/${completions.length} completions at ${rate}/s over ${chosen.length} users, backend → daprd → Kafka → daprd → notification-service main → signed webhook on a loopback receiver (signature verified${unverified ? `; ${unverified} failed verification` : ""}); ${failedCompletions} completions failed; max ${stats.max} ms`;
    row("notification_latency_p50_ms", stats.p50, "ms", "", "distributed", note);
    row("notification_latency_p99_ms", stats.p99, "ms", "<= 1,000", "distributed", note);

    // Redelivery through the real consumer: every task event of the run, published again. Until
    // now the probe subscriber had the notification-service app id, so the real service has not
    // seen most of them yet: first it is sent those once (a first delivery, not counted), then
    // every event of the run a second time, which must change nothing.
    await drainOutbox(60_000);
    const events = await query<{ payload: DomainEvent; partition_key: string }>(
      "SELECT payload, partition_key FROM outbox WHERE topic = 'task-events' AND published_at IS NOT NULL ORDER BY id",
    );
    const processedCount = async () =>
      (
        await query<{ n: number }>(
          `SELECT count(*)::int AS n FROM outbox o JOIN processed_events p
             ON p.consumer = 'notification-service' AND p.event_id = o.event_id
           WHERE o.topic = 'task-events' AND o.published_at IS NOT NULL`,
        )
      )[0]!.n;
    const unseen = await query<{ payload: DomainEvent; partition_key: string }>(
      `SELECT payload, partition_key FROM outbox o WHERE topic = 'task-events' AND published_at IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM processed_events p WHERE p.consumer = 'notification-service' AND p.event_id = o.event_id)
       ORDER BY id`,
    );
    const asCloudEvents = (rows: { payload: DomainEvent; partition_key: string }[]) =>
      rows.map((e) => ({
        cloudEvent: toCloudEvent(e.payload) as unknown as Record<string, unknown>,
        key: e.partition_key,
      }));
    const unseenFailed = await republish(asCloudEvents(unseen));
    await waitUntil(
      async () => (await processedCount()) >= events.length - unseenFailed,
      "the notification service's first sight of the run's events",
      300_000,
      1000,
    );
    await drainOutbox(60_000);
    await waitUntil(
      async () =>
        (
          await query<{ n: number }>(
            "SELECT count(*)::int AS n FROM notification_deliveries WHERE status = 'pending'",
          )
        )[0]!.n === 0,
      "the first deliveries",
      120_000,
      1000,
    );
    await new Promise((r) => setTimeout(r, 3000));
    const counts = async () =>
      (
        await query<{ n: number; d: number; t: number }>(
          `SELECT (SELECT count(*)::int FROM notifications) AS n,
                  (SELECT count(*)::int FROM notification_deliveries) AS d,
                  (SELECT count(*)::int FROM tasks) AS t`,
        )
      )[0]!;
    const before = await counts();
    const receiptsBefore = receipts.length;
    const consumedBefore = await consumedTotal();
    const failed = await republish(asCloudEvents(events));
    await waitUntil(
      async () => (await consumedTotal()) >= consumedBefore + events.length - failed,
      "the notification service to see every event again",
      300_000,
      1000,
    );
    await new Promise((r) => setTimeout(r, 3000));
    const after = await counts();
    const extra = {
      notifications: after.n - before.n,
      deliveries: after.d - before.d,
      tasks: after.t - before.t,
      webhooks: receipts.length - receiptsBefore,
    };
    redelivery.extra += extra.notifications + extra.deliveries + extra.tasks + extra.webhooks;
    redelivery.notes.push(
      `notification-service main: ${events.length} task events (every one of the run, from the outbox; the ${unseen.length} it had not seen sent once first) published again, ${(await consumedTotal()) - consumedBefore} consumed; extra notifications ${extra.notifications}, deliveries ${extra.deliveries}, tasks ${extra.tasks}, webhooks ${extra.webhooks}${failed ? `; ${failed} publishes failed` : ""}`,
    );
  } finally {
    receiver.close();
  }
}

/** The app API token up.sh wrote to the stack's secrets file (todo-secrets.APP_API_TOKEN). */
export function stackAppApiToken(): string {
  const secrets = JSON.parse(readFileSync(join(stackDir, "secrets.json"), "utf8")) as {
    "todo-secrets"?: { APP_API_TOKEN?: string };
  };
  const token = secrets["todo-secrets"]?.APP_API_TOKEN;
  if (!token) throw new Error(`no APP_API_TOKEN in ${stackDir}/secrets.json; the stack's up.sh writes it`);
  return token;
}
