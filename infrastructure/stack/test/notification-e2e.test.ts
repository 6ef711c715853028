// The end-to-end suite (apps/embedded/test/pipeline-suite.ts, also run against `npm start`) through
// the real stack: backend, recurring-task service and notification service each beside its daprd,
// Kafka in between, the cron binding ticking; the notification service's subscription is served by
// the Dapr driver. Then what only this mode has: the delivery history in Redis through the Dapr
// state API. Needs up.sh first.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";
import { pipelineSuite } from "../../../apps/embedded/test/pipeline-suite.ts";
import {
  type AppId,
  appPort,
  createRunDatabase,
  ports,
  type RunningApp,
  redisGet,
  startApp,
  startSidecar,
  stopSidecar,
  waitUntil,
} from "./harness.ts";

const state = pipelineSuite(
  "stack",
  async ({ smtpUrl }) => {
    const databaseUrl = await createRunDatabase();
    const apps: RunningApp[] = [];
    const started: AppId[] = [];
    const launch = async (app: AppId, env: Record<string, string>) => {
      apps.push(await startApp(app, { DATABASE_URL: databaseUrl, ...env }));
      await startSidecar(app);
      started.push(app);
    };
    await launch("backend", {
      BETTER_AUTH_SECRET: "stack-test-secret-stack-test-secret-0123",
      AUTH_SIGN_IN_LIMIT_PER_MINUTE: "1000",
    });
    await launch("recurring-task-service", {});
    await launch("notification-service", { SMTP_URL: smtpUrl, WEBHOOK_ALLOW_PRIVATE_NETWORKS: "true" });
    return {
      base: `http://127.0.0.1:${appPort("backend")}`,
      async stop() {
        for (const app of started.reverse()) await stopSidecar(app).catch(() => {});
        for (const app of apps) await app.stop();
      },
    };
  },
  { timeoutMs: 60_000 },
);

test("stack: the completion's webhook delivery is recorded as delivered, its attempt history in Redis", async () => {
  assert.ok(state.user && state.completedNotificationId, "the suite's first test ran");
  const headers = { authorization: `Bearer ${state.user.token}` };
  const url = `${state.base}/api/${state.user.userId}/notifications/${state.completedNotificationId}/deliveries`;
  let deliveries: { channel: string; status: string; history: unknown[] }[] = [];
  await waitUntil(
    async () => {
      deliveries = ((await fetch(url, { headers }).then((r) => r.json())) as { items: typeof deliveries })
        .items;
      return deliveries.some(
        (d) => d.channel === "webhook" && d.status === "delivered" && d.history.length > 0,
      );
    },
    "the webhook delivery recorded as delivered, with its history read from the state store",
    30_000,
  );
  // The history is in Redis, under the state store's shared key prefix.
  const scan = [
    "-h",
    "127.0.0.1",
    "-p",
    String(ports.REDIS_PORT),
    "--scan",
    "--pattern",
    "todo-statestore||notification-delivery:*",
  ];
  const keys = execFileSync("redis-cli", scan).toString().trim().split("\n").filter(Boolean);
  assert.ok(keys.length > 0, "delivery history keys in Redis");
  const stored = JSON.parse(await redisGet(keys[0]!)) as { attempts: unknown[] };
  assert.ok(stored.attempts.length > 0);
});
