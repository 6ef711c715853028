import type { FastifyInstance } from "fastify";

/**
 * A readiness check answers with a problem description, or null when all is well. A check that
 * is not critical is reported but does not make the service unready (the API keeps serving
 * while the broker is down: events wait in the outbox).
 */
export type ReadinessCheck = { name: string; check: () => Promise<string | null>; critical?: boolean };

export function registerHealth(app: FastifyInstance, checks: ReadinessCheck[]): void {
  app.get("/healthz", { schema: { hide: true } }, async () => ({ status: "ok" }));
  app.get("/readyz", { schema: { hide: true } }, async (_request, reply) => {
    const results = await Promise.all(
      checks.map(async ({ name, check, critical }) => {
        try {
          return { name, critical: critical ?? true, problem: await check() };
        } catch (error) {
          return {
            name,
            critical: critical ?? true,
            problem: error instanceof Error ? error.message : String(error),
          };
        }
      }),
    );
    const failing = results.filter((r) => r.problem !== null && r.critical);
    const body = {
      status: failing.length === 0 ? "ready" : "not_ready",
      checks: Object.fromEntries(results.map((r) => [r.name, r.problem ?? "ok"])),
    };
    return reply.code(failing.length === 0 ? 200 : 503).send(body);
  });
}
