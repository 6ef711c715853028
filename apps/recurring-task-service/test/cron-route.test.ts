import assert from "node:assert/strict";
import { test } from "node:test";
import { openTestDatabase } from "@todo/db/testing";
import { createRegistry, createServer } from "@todo/server";
import { createScheduler } from "@todo/tasks";
import { createUser, dailyTemplate, instancesOf, quietLog } from "../../../packages/tasks/test/fixtures.ts";
import { registerCronRoute } from "../src/cron-route.ts";

test("the cron binding's POST (an empty JSON body) runs a tick; overlapping ticks do not pile up", async (t) => {
  const database = await openTestDatabase();
  t.after(() => database.close());
  const registry = createRegistry("recurring-task-service");
  const app = await createServer({
    service: "recurring-task-service",
    logger: false,
    registry,
    readiness: [],
  });
  t.after(() => app.close());
  const scheduler = createScheduler({ db: database.db, log: quietLog, registry });
  await registerCronRoute(app, scheduler);
  const userId = await createUser(database);
  const template = await dailyTemplate(database, userId, new Date(Date.now() - 1000));

  const reply = await app.inject({
    method: "POST",
    url: "/recurring-task-cron",
    headers: { "content-type": "application/json" },
    payload: "",
  });
  assert.equal(reply.statusCode, 200);
  assert.equal(reply.json().created, 1);
  const running = scheduler.tick();
  assert.equal((await scheduler.tick()).skipped, true, "a tick while one runs answers at once");
  assert.equal((await running).skipped, false);
  assert.equal((await instancesOf(database, template.id)).length, 1);
  const metrics = await registry.metrics();
  assert.match(metrics, /recurring_instances_created_total\{service="recurring-task-service"\} 1/);
  assert.match(metrics, /recurring_lag_seconds_count\{service="recurring-task-service"\} 1/);
  assert.equal((await app.inject({ method: "OPTIONS", url: "/recurring-task-cron" })).statusCode, 200);
});
