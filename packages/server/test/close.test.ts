import assert from "node:assert/strict";
import { test } from "node:test";
import { createRegistry, createServer } from "../src/index.ts";

test("close() does not wait out the keep-alive timeout of a connection whose request was in flight", async (t) => {
  const app = await createServer({
    service: "close-test",
    logger: false,
    registry: createRegistry("close-test"),
    readiness: [],
  });
  let release = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  let arrived = () => {};
  const inFlight = new Promise<void>((resolve) => {
    arrived = resolve;
  });
  let closeBegan = () => {};
  const closeBegun = new Promise<void>((resolve) => {
    closeBegan = resolve;
  });
  app.addHook("preClose", async () => closeBegan());
  app.get("/held", async () => {
    arrived();
    await held;
    return { ok: true };
  });
  await app.listen({ port: 0, host: "127.0.0.1" });
  t.after(() => app.server.closeAllConnections());
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;

  // A keep-alive client, with one request answered before and one in flight when close() starts.
  assert.equal((await fetch(`${url}/healthz`)).status, 200);
  const answer = fetch(`${url}/held`);
  await inFlight;
  let closed = false;
  const closing = app.close().then(() => {
    closed = true;
  });
  await closeBegun;
  release();
  const reply = await answer;
  assert.equal(reply.status, 200, "the request in flight is answered");
  assert.deepEqual(await reply.json(), { ok: true });
  assert.equal(reply.headers.get("connection"), "close", "and its connection is not kept alive");
  // Fastify keeps an idle connection for 72 s; the close must not wait for that.
  const deadline = new Promise((resolve) => setTimeout(resolve, 10_000).unref());
  await Promise.race([closing, deadline]);
  assert.ok(closed, "close() finished once the answer was sent");
});
