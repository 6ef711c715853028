// `npm start`: the whole product in one process, on an embedded PostgreSQL (PGlite) by default.
import { migrateToLatest, openDatabase } from "@todo/db";
import closeWithGrace from "close-with-grace";
import { buildBackend } from "./app.ts";
import { loadOrCreateAuthSecret } from "./auth-secret.ts";
import { ConfigError, loadBackendConfig } from "./config.ts";

const startedAt = performance.now();
let config: ReturnType<typeof loadBackendConfig>;
try {
  config = loadBackendConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}

const database = await openDatabase(config.database);
await migrateToLatest(database.db);
const { app } = await buildBackend({
  database,
  authSecret: config.authSecret ?? (await loadOrCreateAuthSecret(config.dataDir)),
  publicUrl: config.publicUrl,
  signInLimitPerMinute: config.signInLimitPerMinute,
  logger: { level: config.logLevel },
  trustProxy: config.trustProxy,
});

closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
  if (err) app.log.error({ err }, "shutting down after an error");
  else app.log.info({ signal }, "shutting down");
  await app.close();
  // Closing PGlite flushes it to disk; nothing committed is lost.
  await database.close();
});

await app.listen({ port: config.port, host: config.host });
app.log.info(
  { url: config.publicUrl, database: database.kind, startup_ms: Math.round(performance.now() - startedAt) },
  "todo platform ready (embedded mode)",
);
