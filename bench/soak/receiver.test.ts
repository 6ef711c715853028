import assert from "node:assert/strict";
import { test } from "node:test";
import { MAX_FAILURES_PER_DELIVERY, startReceiver } from "./receiver.ts";

test("the receiver fails one delivery at most MAX_FAILURES_PER_DELIVERY times, then takes it; /gone/ is always 410", async () => {
  const receiver = await startReceiver(7, 1); // every request it may fail, it fails
  try {
    const post = async (path: string, webhookId: string) =>
      (
        await fetch(`${receiver.url}${path}`, {
          method: "POST",
          headers: { "webhook-id": webhookId, "content-type": "application/json" },
          body: JSON.stringify({ data: { event_id: "e1", task_id: 1, sequence: 1 } }),
        })
      ).status;
    const first: number[] = [];
    for (let i = 0; i < MAX_FAILURES_PER_DELIVERY + 2; i++) first.push(await post("/ok/u1", "msg_a"));
    assert.deepEqual(first, [...Array(MAX_FAILURES_PER_DELIVERY).fill(503), 204, 204]);
    assert.equal(await post("/ok/u1", "msg_b"), 503, "another delivery has its own count");
    assert.equal(await post("/gone/u2", "msg_c"), 410);
    assert.equal(await post("/gone/u2", "msg_c"), 410);
    assert.equal(receiver.receipts.length, MAX_FAILURES_PER_DELIVERY + 5);
    assert.equal(receiver.receipts[0]?.webhookId, "msg_a");
  } finally {
    await receiver.close();
  }
});
