import assert from "node:assert/strict";
import { test } from "node:test";
import { openTestDatabase } from "@todo/db/testing";
import { createRegistry } from "@todo/server";
import { recordEvent } from "../src/outbox-writer.ts";
import { OutboxRelay } from "../src/relay.ts";
import type { EventTransport, OutboundEvent } from "../src/transport.ts";
import { createUser, pendingCount, quietLog, recordingTransport, taskSnapshot } from "./fixtures.ts";

type Database = Awaited<ReturnType<typeof openTestDatabase>>;

async function writeEvent(database: Database, userId: string, taskId: number) {
  await recordEvent(database.db, {
    event_type: "task.created",
    task_id: taskId,
    user_id: userId,
    data: { task: taskSnapshot(userId, taskId) },
  });
}

/** A transport whose publish hangs until release() (a relay stuck or killed mid-publish). */
function stuckTransport() {
  const started: OutboundEvent[] = [];
  let release: (error: Error) => void = () => {};
  const gate = new Promise<never>((_, reject) => {
    release = reject;
  });
  gate.catch(() => {});
  const transport: EventTransport = {
    name: "stuck",
    async publish(message) {
      started.push(message);
      await gate;
    },
  };
  return { transport, started, release: () => release(new Error("killed")) };
}

test("while one relay holds a user's rows, another publishes other users' events but none of that user's", async (t) => {
  const database = await openTestDatabase();
  t.after(() => database.close());
  const ada = await createUser(database, "ada");
  const bo = await createUser(database, "bo");
  await writeEvent(database, ada, 1);
  await writeEvent(database, ada, 2);
  const stuck = stuckTransport();
  const first = new OutboxRelay({
    database,
    registry: createRegistry("test"),
    transport: stuck.transport,
    log: quietLog,
  });
  const running = first.publishBatch();
  // The first relay's claim is committed and it is publishing Ada's first event.
  while (stuck.started.length === 0) await new Promise((r) => setTimeout(r, 5));

  await writeEvent(database, ada, 3);
  await writeEvent(database, bo, 10);
  const { transport, received } = recordingTransport();
  const second = new OutboxRelay({ database, registry: createRegistry("test"), transport, log: quietLog });
  assert.equal(await second.drain(), 1);
  assert.deepEqual(
    received.map((m) => [m.partitionKey, m.event.data.task_id]),
    [[bo, 10]],
    "Ada's later event waits for her leased ones",
  );
  const leased = await database.db
    .selectFrom("outbox")
    .select(["lease_owner", "published_at"])
    .where("partition_key", "=", ada)
    .orderBy("id")
    .execute();
  assert.ok(leased[0]!.lease_owner && leased[1]!.lease_owner, "Ada's first two rows are leased");
  assert.equal(leased[2]!.lease_owner, null, "her third is not: it was written after the claim");

  // The first relay's publish fails: the lease is given back and the second relay sends all three.
  stuck.release();
  assert.deepEqual(await running, { published: 0, failed: true });
  const afterFailure = await database.db
    .selectFrom("outbox")
    .select(["attempts", "last_error", "lease_owner"])
    .where("partition_key", "=", ada)
    .orderBy("id")
    .executeTakeFirstOrThrow();
  assert.deepEqual(afterFailure, { attempts: 1, last_error: "killed", lease_owner: null });
  assert.equal(await second.drain(), 3);
  assert.deepEqual(
    received.map((m) => m.event.data.task_id),
    [10, 1, 2, 3],
  );
});

test("an expired lease (its relay died mid-publish) is taken over, and the dead relay cannot undo it", async (t) => {
  const database = await openTestDatabase();
  t.after(() => database.close());
  const ada = await createUser(database, "ada");
  for (const id of [1, 2, 3]) await writeEvent(database, ada, id);
  const stuck = stuckTransport();
  const dying = new OutboxRelay({
    database,
    registry: createRegistry("test"),
    transport: stuck.transport,
    log: quietLog,
    // Long enough that the lease still holds when the heir first looks, also on a busy machine
    // (300 ms did not at load average ~19); the test then waits for it to expire.
    leaseMs: 2000,
  });
  const abandoned = dying.publishBatch();
  while (stuck.started.length === 0) await new Promise((r) => setTimeout(r, 5));

  const { transport, received } = recordingTransport();
  const heir = new OutboxRelay({ database, registry: createRegistry("test"), transport, log: quietLog });
  assert.equal(await heir.drain(), 0, "the lease still holds");
  const expiry = await database.db
    .selectFrom("outbox")
    .select("leased_until")
    .orderBy("id")
    .executeTakeFirstOrThrow();
  while (Date.now() <= expiry.leased_until!.getTime() + 50) await new Promise((r) => setTimeout(r, 20));

  // The heir claims the rows and is publishing them when the dead relay's settle finally runs.
  let open: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const slow: EventTransport = {
    name: "slow",
    async publish(message) {
      await gate;
      await transport.publish(message);
    },
  };
  const taking = new OutboxRelay({
    database,
    registry: createRegistry("test"),
    transport: slow,
    log: quietLog,
  }).publishBatch();
  await waitForLeaseOwnerChange(database, ada);
  stuck.release();
  await abandoned;
  const owners = await database.db.selectFrom("outbox").select("lease_owner").execute();
  assert.ok(
    owners.every((o) => o.lease_owner !== null),
    "the dead relay gave back nothing that is no longer its",
  );
  open();
  assert.deepEqual(await taking, { published: 3, failed: false });
  assert.deepEqual(
    received.map((m) => m.event.data.task_id),
    [1, 2, 3],
  );
  assert.equal(await pendingCount(database), 0);
});

test("a transport that writes to the database while publishing does not wait on the relay (single connection)", {
  timeout: 30_000,
}, async (t) => {
  const database = await openTestDatabase();
  t.after(() => database.close());
  const ada = await createUser(database, "ada");
  await writeEvent(database, ada, 1);
  const writing: EventTransport = {
    name: "writing subscriber",
    async publish(message) {
      await database.db
        .transaction()
        .execute((tx) =>
          tx
            .insertInto("processed_events")
            .values({ consumer: "probe", event_id: message.event.id })
            .execute(),
        );
    },
  };
  const relay = new OutboxRelay({
    database,
    registry: createRegistry("test"),
    transport: writing,
    log: quietLog,
  });
  assert.equal(await relay.drain(), 1);
  const marks = await database.db.selectFrom("processed_events").select("consumer").execute();
  assert.deepEqual(marks, [{ consumer: "probe" }]);
});

/** Waits until every row of the user carries a fresh (default, 60 s) lease: the heir's claim. */
async function waitForLeaseOwnerChange(database: Database, userId: string): Promise<void> {
  for (;;) {
    const rows = await database.db
      .selectFrom("outbox")
      .select(["lease_owner", "leased_until"])
      .where("partition_key", "=", userId)
      .execute();
    const fresh = rows.every((r) => r.leased_until && r.leased_until.getTime() > Date.now() + 10_000);
    if (fresh) return;
    await new Promise((r) => setTimeout(r, 10));
  }
}
