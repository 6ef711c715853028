import type { FastifyInstance } from "fastify";
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
