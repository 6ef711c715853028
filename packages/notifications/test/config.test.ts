import assert from "node:assert/strict";
import { test } from "node:test";
import webpush from "web-push";
import { ConfigError, loadNotificationConfig, loadServiceConfig } from "../src/config.ts";

test("channel settings: e-mail and push are off until configured; empty values count as unset", () => {
  const config = loadNotificationConfig({ SMTP_URL: "", VAPID_PUBLIC_KEY: "", VAPID_PRIVATE_KEY: "" });
  assert.deepEqual(config, {
    email: null,
    push: null,
    webhooks: { allowPrivateNetworks: false, timeoutMs: 10_000 },
  });
  const keys = webpush.generateVAPIDKeys();
  const on = loadNotificationConfig({
    SMTP_URL: "smtp://mail.example.com:587",
    MAIL_FROM: "Todo <todo@example.com>",
    VAPID_PUBLIC_KEY: keys.publicKey,
    VAPID_PRIVATE_KEY: keys.privateKey,
    VAPID_SUBJECT: "https://todo.example.com",
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: "true",
  });
  assert.deepEqual(on.email, { smtpUrl: "smtp://mail.example.com:587", from: "Todo <todo@example.com>" });
  assert.deepEqual(on.push, { ...keys, subject: "https://todo.example.com" });
  assert.equal(on.webhooks.allowPrivateNetworks, true);
});

test("a bad value stops start-up with a message naming the variable", () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ SMTP_URL: "http://mail" }, /SMTP_URL: must be an smtp/],
    [{ MAIL_FROM: "nobody" }, /MAIL_FROM/],
    [{ VAPID_PUBLIC_KEY: webpush.generateVAPIDKeys().publicKey }, /VAPID_PRIVATE_KEY: required/],
    [{ VAPID_PRIVATE_KEY: "short" }, /VAPID_PRIVATE_KEY/],
    [{ VAPID_SUBJECT: "ops@example.com" }, /VAPID_SUBJECT/],
    [{ WEBHOOK_ALLOW_PRIVATE_NETWORKS: "yes" }, /WEBHOOK_ALLOW_PRIVATE_NETWORKS/],
  ];
  for (const [env, message] of cases) {
    assert.throws(
      () => loadNotificationConfig(env),
      (e: Error) => e instanceof ConfigError && message.test(e.message),
    );
  }
});

test("the distributed process: defaults, and DATABASE_URL and APP_API_TOKEN are required", () => {
  const token = "t".repeat(32);
  const config = loadServiceConfig({ DATABASE_URL: "postgres://todo@db/todo", APP_API_TOKEN: token });
  assert.equal(config.port, 3001);
  assert.deepEqual(config.invocation, { appApiToken: token, callers: ["backend"] });
  assert.deepEqual(
    loadServiceConfig({
      DATABASE_URL: "postgres://todo@db/todo",
      APP_API_TOKEN: token,
      NOTIFICATION_API_CALLERS: "backend, mcp-gateway",
    }).invocation.callers,
    ["backend", "mcp-gateway"],
  );
  assert.throws(
    () => loadServiceConfig({ DATABASE_URL: "postgres://todo@db/todo" }),
    /APP_API_TOKEN: required/,
  );
  assert.throws(
    () => loadServiceConfig({ DATABASE_URL: "postgres://todo@db/todo", APP_API_TOKEN: "short" }),
    /APP_API_TOKEN: must be at least 32 characters/,
  );
  assert.equal(config.host, "127.0.0.1");
  assert.deepEqual(config.dapr, {
    httpPort: 3500,
    pubsubName: "task-pubsub",
    stateStoreName: "todo-statestore",
  });
  assert.throws(() => loadServiceConfig({}), /DATABASE_URL/);
  assert.throws(
    () => loadServiceConfig({ DATABASE_URL: "postgres://x/y", APP_API_TOKEN: token, DAPR_HTTP_PORT: "http" }),
    /DAPR_HTTP_PORT/,
  );
  assert.throws(
    () => loadServiceConfig({ DATABASE_URL: "mysql://x/y", SMTP_URL: "nope", PORT: "http" }),
    (e: Error) => /DATABASE_URL/.test(e.message) && /SMTP_URL/.test(e.message) && /PORT/.test(e.message),
    "every bad variable is named at once",
  );
});
