import { PriorityList } from "@todo/contracts";
import type { Executor } from "@todo/db";
import { listPriorities } from "@todo/tasks";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";

export function priorityRoutes(app: FastifyInstance, db: Executor): void {
  app
    .withTypeProvider<ZodTypeProvider>()
    .get(
      "/api/priorities",
      { schema: { tags: ["priorities"], summary: "The priority levels", response: { 200: PriorityList } } },
      async () => ({ items: await listPriorities(db) }),
    );
}
