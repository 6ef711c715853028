import { ServiceError } from "@todo/contracts";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ReadinessCheck } from "./health.ts";

/**
 * Routes one module serves inside another service's HTTP server, with that server's auth and
 * `/api` prefix: the notification API inside the REST API (embedded mode, or the backend).
 */
export interface RoutesPlugin {
  /** Registered under /api/:user_id, after the caller is checked to be that user. */
  userRoutes?(scope: FastifyInstance): void;
  /** Registered at the root, without authentication. */
  publicRoutes?(app: FastifyInstance): void;
  /** Added to the hosting service's /readyz. */
  readiness?: ReadinessCheck[];
}

/**
 * The caller's user id inside a plugin's userRoutes, as the host's auth hook left it on the
 * request (the path's user_id has been checked to be theirs). Read structurally, so a plugin does
 * not depend on the host; none there is a 401 `unauthorized`.
 */
export function callerId(request: FastifyRequest): string {
  const user = (request as unknown as { user?: { id: string } | null }).user;
  if (!user) throw new ServiceError("unauthorized", "sign in, or send a bearer token");
  return user.id;
}
