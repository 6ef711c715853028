import assert from "node:assert/strict";
import { createServer } from "node:http";
import { type TestContext, test } from "node:test";
import { createMemoryStateStore } from "@todo/events";
import { createDaprStateStore } from "../src/state-store.ts";

/** The sidecar's state API, kept in a Map; `failWith` makes every call answer that status. */
async function fakeSidecar(t: TestContext) {
  const data = new Map<string, string>();
  const requests: { method: string; url: string; body: string }[] = [];
  const state = { failWith: 0 };
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      requests.push({ method: req.method ?? "", url: req.url ?? "", body });
      if (state.failWith) {
        res.writeHead(state.failWith, { "content-type": "application/json" });
        return res.end(JSON.stringify({ errorCode: "ERR_STATE_STORE_NOT_CONFIGURED" }));
      }
      const prefix = "/v1.0/state/todo-statestore";
      if (req.method === "POST" && req.url === prefix) {
        for (const item of JSON.parse(body) as { key: string; value: unknown }[]) {
          data.set(item.key, JSON.stringify(item.value));
        }
        res.writeHead(204).end();
      } else if (req.url?.startsWith(`${prefix}/`)) {
        const key = decodeURIComponent(req.url.slice(prefix.length + 1));
        if (req.method === "DELETE") {
          data.delete(key);
          res.writeHead(204).end();
        } else if (data.has(key)) {
          res.writeHead(200, { "content-type": "application/json" }).end(data.get(key));
        } else {
          res.writeHead(204).end();
        }
      } else {
        res.writeHead(404).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { port: (server.address() as { port: number }).port, requests, state };
}

test("the Dapr state store saves, reads and deletes through the sidecar's HTTP state API", async (t) => {
  const sidecar = await fakeSidecar(t);
  const store = createDaprStateStore({ httpPort: sidecar.port, storeName: "todo-statestore" });
  assert.equal(await store.get("missing"), undefined);
  await store.save("delivery:1", { attempts: [{ outcome: "delivered" }] }, { ttlSeconds: 60 });
  assert.deepEqual(await store.get("delivery:1"), { attempts: [{ outcome: "delivered" }] });
  const save = sidecar.requests.find((r) => r.method === "POST")!;
  assert.equal(save.url, "/v1.0/state/todo-statestore");
  assert.deepEqual(JSON.parse(save.body), [
    { key: "delivery:1", value: { attempts: [{ outcome: "delivered" }] }, metadata: { ttlInSeconds: "60" } },
  ]);
  assert.ok(
    sidecar.requests.some((r) => r.method === "GET" && r.url === "/v1.0/state/todo-statestore/delivery%3A1"),
  );
  await store.delete("delivery:1");
  assert.equal(await store.get("delivery:1"), undefined);
});

test("the Dapr state store throws when the sidecar refuses or is not there", async (t) => {
  const sidecar = await fakeSidecar(t);
  const store = createDaprStateStore({ httpPort: sidecar.port, storeName: "todo-statestore" });
  sidecar.state.failWith = 500;
  await assert.rejects(store.save("k", 1), /dapr state save k failed with 500/);
  await assert.rejects(store.get("k"), /dapr state get k failed with 500/);
  await assert.rejects(store.delete("k"), /failed with 500/);
  const nowhere = createDaprStateStore({ httpPort: 1, storeName: "todo-statestore", timeoutMs: 500 });
  await assert.rejects(nowhere.get("k"), /sidecar unreachable/);
});

test("the memory state store copies values and forgets them after their ttl", async () => {
  const store = createMemoryStateStore();
  const value = { attempts: [1] };
  await store.save("a", value);
  value.attempts.push(2);
  assert.deepEqual(await store.get("a"), { attempts: [1] }, "a saved value is a copy");
  await store.save("b", "short", { ttlSeconds: 0.5 });
  assert.equal(await store.get("b"), "short");
  await new Promise((r) => setTimeout(r, 600));
  assert.equal(await store.get("b"), undefined);
  await store.delete("a");
  assert.equal(await store.get("a"), undefined);
});
