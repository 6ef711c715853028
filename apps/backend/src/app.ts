import type { DatabaseHandle } from "@todo/db";
import { databaseCheck, type OutboxFeed } from "@todo/events";
import { createRegistry, createServer, type ReadinessCheck, type Registry } from "@todo/server";
import type { FastifyInstance, FastifyServerOptions } from "fastify";
import { type Auth, createAuth } from "./auth.ts";
import { registerAuth } from "./plugins/auth-routes.ts";
import { idempotencyKeys } from "./plugins/idempotency.ts";
import { eventStreamRoutes } from "./routes/event-stream.ts";
import { priorityRoutes } from "./routes/priorities.ts";
import { recurringTaskRoutes } from "./routes/recurring-tasks.ts";
import { tagRoutes } from "./routes/tags.ts";
import { taskRoutes } from "./routes/tasks.ts";
import { requireOwnUser } from "./routes/user-scope.ts";
import { frontendNotFoundPage, hasFrontend, serveFrontend } from "./static-frontend.ts";

/** Routes another module serves through the backend (same auth, same /api prefix). */
export interface BackendPlugin {
  /** Registered under /api/:user_id, after the caller is checked to be that user. */
  userRoutes?(scope: FastifyInstance): void;
  /** Registered at the root, without authentication. */
  publicRoutes?(app: FastifyInstance): void;
  readiness?: ReadinessCheck[];
}

export interface BackendDeps {
  database: DatabaseHandle;
  feed: OutboxFeed;
  authSecret: string;
  publicUrl: string;
  trustedOrigins?: string[];
  signInLimitPerMinute: number;
  logger: FastifyServerOptions["logger"];
  trustProxy?: boolean;
  registry?: Registry;
  plugins?: BackendPlugin[];
  /** The frontend's static export, served at / when built (embedded mode). */
  frontendDir?: string;
}

export interface Backend {
  app: FastifyInstance;
  auth: Auth;
  registry: Registry;
}

/** Registers the REST API on a new Fastify instance; the caller decides how it is hosted. */
export async function buildBackend(deps: BackendDeps): Promise<Backend> {
  const { db } = deps.database;
  const registry = deps.registry ?? createRegistry("backend");
  const auth = createAuth({
    db,
    secret: deps.authSecret,
    publicUrl: deps.publicUrl,
    ...(deps.trustedOrigins ? { trustedOrigins: deps.trustedOrigins } : {}),
    signInLimitPerMinute: deps.signInLimitPerMinute,
  });
  const frontendDir = hasFrontend(deps.frontendDir) ? deps.frontendDir : undefined;
  const app = await createServer({
    service: "backend",
    ...(frontendDir ? { notFoundPage: frontendNotFoundPage(frontendDir) } : {}),
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

  registerAuth(app, auth);
  priorityRoutes(app, db);
  for (const plugin of deps.plugins ?? []) plugin.publicRoutes?.(app);
  await app.register(
    async (scope) => {
      requireOwnUser(scope, auth);
      idempotencyKeys(scope, db);
      taskRoutes(scope, db);
      tagRoutes(scope, db);
      recurringTaskRoutes(scope, db);
      eventStreamRoutes(scope, deps.feed, registry);
      for (const plugin of deps.plugins ?? []) plugin.userRoutes?.(scope);
    },
    { prefix: "/api/:user_id" },
  );
  if (frontendDir) await serveFrontend(app, frontendDir);
  return { app, auth, registry };
}
