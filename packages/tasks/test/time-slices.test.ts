import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { openTestDatabase } from "@todo/db/testing";
import { createOutboxDriver, type Subscription } from "@todo/events";
import { createRegistry } from "@todo/server";
import { runRecurringTick, UNLIMITED_TICK } from "../src/recurring-tick.ts";
import { createUser, minutelyTemplatesBehind, quietLog } from "./fixtures.ts";

test("on PGlite a catch-up and the delivery of its events leave the event loop to requests: one asked as each starts is answered before it ends; every instance and delivery once", async (t) => {
  const database = await openTestDatabase({ pglite: true });
  t.after(() => database.close());
  assert.equal(database.slices.onLoop, true, "PGlite runs on the event loop");
  const userId = await createUser(database);
  const now = new Date("2027-06-01T12:00:00Z");
  await minutelyTemplatesBehind(database, userId, now, 200);
  const total = 5 * 201;

  // A real HTTP request through the loop and the same database: it answers what exists when it is served.
  const server = createServer((request, reply) => {
    const counted =
      request.url === "/instances"
        ? database.db.selectFrom("tasks").select((eb) => eb.fn.countAll<number>().as("n"))
        : database.db
            .selectFrom("processed_events")
            .select((eb) => eb.fn.countAll<number>().as("n"))
            .where("consumer", "=", "counter");
    counted.executeTakeFirstOrThrow().then(
      ({ n }) => reply.end(String(n)),
      () => reply.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => server.close());
  const ask = async (path: string) =>
    Number(await (await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`)).text());

  // The whole catch-up in one tick (no budget): only its time slices let the request in.
  let tickDone = false;
  const tick = runRecurringTick(database.db, quietLog, now, 1, UNLIMITED_TICK, database.slices).finally(
    () => {
      tickDone = true;
    },
  );
  const during = await ask("/instances");
  assert.equal(tickDone, false, "answered before the catch-up ended");
  assert.ok(during < total, `${during} of ${total} instances when answered`);
  assert.equal((await tick).created, total);
  const instances = await database.db
    .selectFrom("tasks")
    .select(["recurring_task_id", "occurrence_at"])
    .where("recurring_task_id", "is not", null)
    .execute();
  assert.equal(
    new Set(instances.map((i) => `${i.recurring_task_id}/${i.occurrence_at?.getTime()}`)).size,
    total,
  );

  // The relay with its 1,005 task.created events, each delivered to a subscription that writes.
  const deliveries = new Map<string, number>();
  const counter: Subscription = {
    name: "counter",
    topics: ["task-events"],
    async handle(event, tx) {
      deliveries.set(event.event_id, (deliveries.get(event.event_id) ?? 0) + 1);
      await tx.selectFrom("tasks").select("id").where("id", "=", event.task_id).execute();
    },
  };
  const relay = createOutboxDriver({
    database,
    subscriptions: [counter],
    log: quietLog,
    registry: createRegistry("time-slices-test"),
  });
  let drained = false;
  const drain = relay.drain().finally(() => {
    drained = true;
  });
  const delivered = await ask("/delivered");
  assert.equal(drained, false, "answered before the backlog was through");
  assert.ok(delivered < total, `${delivered} of ${total} events delivered when answered`);
  assert.equal(await drain, total);
  assert.equal(deliveries.size, total);
  assert.ok(
    [...deliveries.values()].every((n) => n === 1),
    "each event delivered once",
  );
});
