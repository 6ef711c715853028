// The backend in the distributed mode: PostgreSQL server, events through the Dapr sidecar, the
// notification API by service invocation, credentials from the Dapr secret store.
import { migrateToLatest, openDatabase } from "@todo/db";
import {
  createDaprTransport,
  environmentOrExit,
  OutboxFeed,
  OutboxRelay,
  outboxLagCheck,
  sidecarCheck,
} from "@todo/events";
import { loadNotificationConfig } from "@todo/notification-service";
import { closeOnSignals, createRegistry, listenOrExit, loadOrExit, serviceLogger } from "@todo/server";
import { buildBackend } from "./app.ts";
import { ConfigError, loadBackendConfig } from "./config.ts";
import { notificationProxy } from "./notification-proxy.ts";
import { verificationMailer } from "./verification-mail.ts";

const startedAt = performance.now();
const env = await environmentOrExit(process.env, {
  required: ["DATABASE_URL", "BETTER_AUTH_SECRET"],
  optional: ["SMTP_URL"],
});
const config = loadOrExit(() => {
  const loaded = loadBackendConfig(env);
  if (loaded.database.kind !== "postgres")
    throw new ConfigError("invalid configuration:\n  DATABASE_URL: required");
  if (!loaded.authSecret) throw new ConfigError("invalid configuration:\n  BETTER_AUTH_SECRET: required");
  return loaded;
});

const database = await openDatabase(config.database);
if (config.migrateOnStart) await migrateToLatest(database.db);
const notificationConfig = loadOrExit(() => loadNotificationConfig(env));
const sendVerificationMail = loadOrExit(() =>
  verificationMailer(config.requireEmailVerification, notificationConfig.email),
);
const registry = createRegistry("backend");
const feed = new OutboxFeed(database);
const { app } = await buildBackend({
  database,
  feed,
  registry,
  authSecret: config.authSecret!,
  publicUrl: config.publicUrl,
  trustedOrigins: config.trustedOrigins,
  signInLimitPerMinute: config.signInLimitPerMinute,
  ...(sendVerificationMail ? { sendVerificationMail } : {}),
  logger: serviceLogger(config.logLevel),
  trustProxy: config.trustProxy,
  maxActiveTemplates: config.maxActiveTemplates,
  plugins: [
    notificationProxy({ httpPort: config.dapr.httpPort, appId: config.dapr.notificationAppId }),
    { readiness: [sidecarCheck(config.dapr.httpPort), outboxLagCheck(database)] },
  ],
});
const relay = new OutboxRelay({
  database,
  transport: createDaprTransport({ httpPort: config.dapr.httpPort, pubsubName: config.dapr.pubsubName }),
  log: app.log,
  registry,
});

const shutdown = closeOnSignals(app.log, [
  () => app.close(),
  () => relay.stop(),
  () => feed.stop(),
  () => database.close(),
]);

await feed.start();
await relay.start();
await listenOrExit(app, { port: config.port, host: config.host }, shutdown);
app.log.info({ startup_ms: Math.round(performance.now() - startedAt) }, "backend ready");
