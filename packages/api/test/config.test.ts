import assert from "node:assert/strict";
import { test } from "node:test";
import { ConfigError, loadBackendConfig } from "../src/config.ts";

test("defaults give the embedded mode on port 3000 with data in ./.data", () => {
  const config = loadBackendConfig({});
  assert.equal(config.port, 3000);
  assert.deepEqual(config.database, { kind: "pglite", dataDir: "./.data" });
});

test("DATABASE_URL switches to a PostgreSQL server", () => {
  const config = loadBackendConfig({ DATABASE_URL: "postgres://u@127.0.0.1:5432/todo" });
  assert.equal(config.database.kind, "postgres");
});

test("a bad value stops start-up with a message naming the variable", () => {
  for (const [env, name] of [
    [{ PORT: "eighty" }, "PORT"],
    [{ DATABASE_URL: "mysql://x" }, "DATABASE_URL"],
    [{ BETTER_AUTH_SECRET: "short" }, "BETTER_AUTH_SECRET"],
    [{ LOG_LEVEL: "loud" }, "LOG_LEVEL"],
  ] as const) {
    assert.throws(
      () => loadBackendConfig(env),
      (error: unknown) => error instanceof ConfigError && error.message.includes(name),
    );
  }
});

test("without PUBLIC_URL both loopback names may sign in; with it, only that origin", () => {
  assert.deepEqual(loadBackendConfig({ PORT: "3000" }).trustedOrigins, [
    "http://localhost:3000",
    "http://127.0.0.1:3000",
  ]);
  assert.deepEqual(loadBackendConfig({ PUBLIC_URL: "https://todo.example" }).trustedOrigins, [
    "https://todo.example",
  ]);
});
