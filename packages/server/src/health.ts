import type { FastifyInstance } from "fastify";

/** A readiness check answers with a problem description, or null when all is well. */
export type ReadinessCheck = { name: string; check: () => Promise<string | null> };

export function registerHealth(app: FastifyInstance, checks: ReadinessCheck[]): void {
  app.get("/healthz", { schema: { hide: true } }, async () => ({ status: "ok" }));
  app.get("/readyz", { schema: { hide: true } }, async (_request, reply) => {
    const results = await Promise.all(
      checks.map(async ({ name, check }) => {
        try {
          return { name, problem: await check() };
        } catch (error) {
          return { name, problem: error instanceof Error ? error.message : String(error) };
        }
      }),
    );
    const failing = results.filter((r) => r.problem !== null);
    const body = {
      status: failing.length === 0 ? "ready" : "not_ready",
      checks: Object.fromEntries(results.map((r) => [r.name, r.problem ?? "ok"])),
    };
    return reply.code(failing.length === 0 ? 200 : 503).send(body);
  });
}
