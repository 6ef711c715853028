// Retried webhooks arrive out of order (nothing promises otherwise); each payload carries the
// event's `sequence` within its task, so a receiver can put them back in order and drop stale ones.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { DomainEvent } from "@todo/contracts";
import { sampleTask } from "@todo/contracts/testing";
import { recordEvents } from "@todo/events";
import { createWebhook } from "../src/webhooks.ts";
import { createUser, fixedResolver, openService, startReceiver, waitFor } from "./helpers.ts";

const loopback = { allowPrivateNetworks: true, resolve: fixedResolver("127.0.0.1") };

type WebhookBody = { type: string; data: DomainEvent };
const bodyOf = (request: { body: Buffer }) => JSON.parse(request.body.toString()) as WebhookBody;

test("a retried webhook arrives after later ones; data.sequence puts them back in order", async (t) => {
  const { db, database, service } = await openService(t);
  const user = await createUser(database);
  // The first event's webhook fails until the later two have been taken: its retry comes last.
  const accepted: WebhookBody[] = [];
  const receiver = await startReceiver(t, (request) => {
    const body = bodyOf(request);
    if (body.type === "task.created" && accepted.length < 2) return { status: 503 };
    accepted.push(body);
    return { status: 204 };
  });
  await createWebhook(
    { db, userId: user.id, network: loopback },
    { url: receiver.url, event_types: ["task.created", "task.updated", "task.completed"] },
  );
  const task = sampleTask(user.id, 7, { title: "Ship it" });
  // Written as the verbs write them: each in its own transaction, numbered there.
  const events: DomainEvent[] = [];
  for (const event of [
    { event_type: "task.created" as const, data: { task } },
    {
      event_type: "task.updated" as const,
      data: { task: { ...task, title: "Ship it today" }, changed_fields: ["title"] },
    },
    { event_type: "task.completed" as const, data: { task: { ...task, completed: true } } },
  ]) {
    events.push(...(await recordEvents(db, [{ ...event, task_id: 7, user_id: user.id }])));
  }
  assert.deepEqual(
    events.map((e) => e.sequence),
    [1, 2, 3],
  );

  await service.start();
  for (const event of events) assert.equal((await service.handle(event)).outcome, "SUCCESS");
  await waitFor(() => accepted.length === 3, "the three webhooks, the retried one included");
  assert.ok(receiver.received.length > 3, "the first attempt of task.created was refused");

  // What the receiver accepted, in arrival order: the creation came last. The other two are
  // not ordered either (a delivery may be slower than the next), so either may come first.
  const arrivals = accepted;
  assert.equal(arrivals.at(-1)!.type, "task.created");
  assert.deepEqual(
    arrivals
      .slice(0, 2)
      .map((b) => b.type)
      .sort(),
    ["task.completed", "task.updated"],
  );
  // Ordered by sequence, they read as they happened.
  assert.deepEqual(
    [...arrivals].sort((a, b) => a.data.sequence! - b.data.sequence!).map((b) => b.type),
    ["task.created", "task.updated", "task.completed"],
  );
  // A receiver that keeps the highest sequence seen per task drops the stale creation.
  const latest = new Map<number, WebhookBody>();
  const dropped: string[] = [];
  for (const body of arrivals) {
    const seen = latest.get(body.data.task_id!);
    if (seen && seen.data.sequence! >= body.data.sequence!) dropped.push(body.type);
    else latest.set(body.data.task_id!, body);
  }
  assert.ok(dropped.includes("task.created"), "the stale creation is dropped");
  assert.equal(latest.get(7)!.type, "task.completed");
});
