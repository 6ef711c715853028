import type { DatabaseHandle } from "@todo/db";
import { databaseCheck, type OutboxFeed, recordEvent } from "@todo/events";
import { createServer, type Registry, type RoutesPlugin } from "@todo/server";
import type { FastifyBaseLogger, FastifyInstance, FastifyServerOptions } from "fastify";
import { type Auth, createAuth, type PasswordHash } from "./auth.ts";
import { mcpRoutes } from "./mcp/mcp-routes.ts";
import { AccountThrottle } from "./plugins/account-rules.ts";
import { registerAuth } from "./plugins/auth-routes.ts";
import { registerCrossOriginGuard } from "./plugins/cross-origin-guard.ts";
import { idempotencyKeys } from "./plugins/idempotency.ts";
import { eventStreamRoutes, type LiveStreamOptions, LiveStreams } from "./routes/event-stream.ts";
import { priorityRoutes } from "./routes/priorities.ts";
import { recurringTaskRoutes } from "./routes/recurring-tasks.ts";
import { sessionRoutes } from "./routes/sessions.ts";
import { tagRoutes } from "./routes/tags.ts";
import { taskRoutes } from "./routes/tasks.ts";
import { requireOwnUser } from "./routes/user-scope.ts";
import { frontendNotFoundPage, hasFrontend, isFrontendRequest, serveFrontend } from "./static-frontend.ts";
import type { SendVerificationMail } from "./verification-mail.ts";

export interface BackendDeps {
  database: DatabaseHandle;
  feed: OutboxFeed;
  authSecret: string;
  publicUrl: string;
  trustedOrigins?: string[];
  signInLimitPerMinute: number;
  /** Require a verified e-mail address to sign in; sign-up mails the link through this. */
  sendVerificationMail?: SendVerificationMail;
  logger: FastifyServerOptions["logger"];
  trustProxy?: boolean;
  /** The composition root's metrics registry (HTTP latency, live streams); tests pass their own. */
  registry: Registry;
  plugins?: RoutesPlugin[];
  /** Live streams' heartbeat and per-user limit. */
  liveStreams?: LiveStreamOptions;
  /** The frontend's static export, served at / when built (embedded mode). */
  frontendDir?: string;
  /** Active recurring templates per user (MAX_ACTIVE_RECURRING_TASKS); over it → 422. */
  maxActiveTemplates?: number;
  /** Tests only: a cheaper password hash than Better Auth's scrypt (`AuthOptions.passwordHash`). */
  passwordHash?: PasswordHash;
}

export interface Backend {
  app: FastifyInstance;
  auth: Auth;
  registry: Registry;
}

/** Registers the REST API on a new Fastify instance; the caller decides how it is hosted. */
export async function buildBackend(deps: BackendDeps): Promise<Backend> {
  const { db } = deps.database;
  const { registry } = deps;
  let log: FastifyBaseLogger | undefined;
  const auth = createAuth({
    db,
    secret: deps.authSecret,
    publicUrl: deps.publicUrl,
    ...(deps.trustedOrigins ? { trustedOrigins: deps.trustedOrigins } : {}),
    signInLimitPerMinute: deps.signInLimitPerMinute,
    ...(deps.sendVerificationMail ? { sendVerificationMail: deps.sendVerificationMail } : {}),
    ...(deps.passwordHash ? { passwordHash: deps.passwordHash } : {}),
    onUserDeleted: async (userId) => {
      await recordEvent(db, { event_type: "user.deleted", user_id: userId, task_id: null, data: {} });
    },
    log: (level, message, error) => log?.[level](error ? { err: error } : {}, message),
  });
  // Plugins finish their start-up (the OAuth provider records the MCP resource) before the
  // backend is used, or closed.
  await auth.$context;
  const frontendDir = hasFrontend(deps.frontendDir) ? deps.frontendDir : undefined;
  const app = await createServer({
    service: "backend",
    ...(frontendDir
      ? { notFoundPage: frontendNotFoundPage(frontendDir), isQuietRequest: isFrontendRequest }
      : {}),
    logger: deps.logger,
    registry,
    trustProxy: deps.trustProxy ?? false,
    readiness: [databaseCheck(deps.database), ...(deps.plugins ?? []).flatMap((p) => p.readiness ?? [])],
    openapi: {
      title: "Todo API",
      description:
        "Tasks with priorities, tags, due dates and recurring templates. Every change is an event.",
      version: "0.1.0",
    },
  });

  log = app.log;
  registerCrossOriginGuard(app, deps.trustedOrigins ?? [deps.publicUrl]);
  const streams = new LiveStreams(db, deps.liveStreams);
  registerAuth(app, auth, {
    onSessionsChanged: () => streams.recheck(),
    accountThrottle: new AccountThrottle(db, deps.signInLimitPerMinute),
  });
  priorityRoutes(app, db);
  mcpRoutes(app, {
    db,
    auth,
    publicUrl: deps.publicUrl,
    ...(deps.maxActiveTemplates !== undefined ? { maxActiveTemplates: deps.maxActiveTemplates } : {}),
  });
  for (const plugin of deps.plugins ?? []) plugin.publicRoutes?.(app);
  await app.register(
    async (scope) => {
      requireOwnUser(scope, auth);
      idempotencyKeys(scope, db);
      taskRoutes(scope, db);
      tagRoutes(scope, db);
      recurringTaskRoutes(scope, db, {
        ...(deps.maxActiveTemplates !== undefined ? { maxActiveTemplates: deps.maxActiveTemplates } : {}),
      });
      eventStreamRoutes(scope, deps.feed, registry, streams);
      sessionRoutes(scope, db, () => streams.recheck());
      for (const plugin of deps.plugins ?? []) plugin.userRoutes?.(scope);
    },
    { prefix: "/api/:user_id" },
  );
  if (frontendDir) await serveFrontend(app, frontendDir);
  return { app, auth, registry };
}
