// The end-to-end suite against `npm start`'s entry point: one process on PGlite, events through
// the outbox driver. The stack runs the same suite (infrastructure/stack/test/notification-e2e.test.ts).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { copyMigratedDataFolder } from "@todo/db/testing";
import { freePort, startEmbedded, stop } from "./embedded-process.ts";
import { pipelineSuite } from "./pipeline-suite.ts";

pipelineSuite("embedded", async ({ smtpUrl }) => {
  const dataDir = await mkdtemp(join(tmpdir(), "todo-pipeline-"));
  // Not about a first start (npm-start.test.ts is): a migrated folder, without initdb.
  await copyMigratedDataFolder(dataDir);
  const server = await startEmbedded(dataDir, await freePort(), {
    SMTP_URL: smtpUrl,
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: "true",
    AUTH_SIGN_IN_LIMIT_PER_MINUTE: "1000",
  });
  return {
    base: server.base,
    async stop() {
      await stop(server.child);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
});
