import assert from "node:assert/strict";
import { test } from "node:test";
import { createServer, runService } from "../src/index.ts";

test("runService: workers start in order (afterListen once the server listens), stop in reverse after the server, database last (a recording stand-in for the database)", async () => {
  const events: string[] = [];
  const worker = (name: string, afterListen = false) => ({
    afterListen,
    start() {
      events.push(`start ${name} listening=${app?.server.listening}`);
    },
    async stop() {
      events.push(`stop ${name}`);
    },
  });
  let app: Awaited<ReturnType<typeof createServer>> | undefined;
  const running = await runService({
    name: "run-service-test",
    loadConfig: () => ({ port: 0, host: "127.0.0.1", logLevel: "silent" as const }),
    openDatabase: async () => ({
      close: async () => {
        events.push("close database");
      },
    }),
    build: async ({ logger, registry }) => {
      app = await createServer({ service: "run-service-test", logger, registry, readiness: [] });
      app.addHook("onClose", async () => {
        events.push("close server");
      });
      return { app, workers: [worker("feed"), worker("relay"), worker("scheduler", true)] };
    },
  });
  const address = running.app.server.address();
  assert.ok(address && typeof address === "object");
  const ready = await fetch(`http://127.0.0.1:${address.port}/readyz`);
  assert.equal(ready.status, 200);
  assert.match(await running.registry.metrics(), /service="run-service-test"/);

  await running.shutdown();
  await running.shutdown();
  assert.deepEqual(events, [
    "start feed listening=false",
    "start relay listening=false",
    "start scheduler listening=true",
    "close server",
    "stop scheduler",
    "stop relay",
    "stop feed",
    "close database",
  ]);
});
