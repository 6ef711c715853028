import type { ServerResponse } from "node:http";
import { UserParams } from "@todo/contracts";
import { type FeedCursor, formatCursor, type OutboxFeed, parseCursor } from "@todo/events";
import { Gauge, type Registry } from "@todo/server";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";

const HEARTBEAT_MS = 15_000;

/**
 * GET /api/{user_id}/events/stream: the user's events as Server-Sent Events, read from the outbox
 * so every replica sees every commit. Each message's id is an outbox cursor; a reconnecting
 * EventSource sends it back as Last-Event-ID and the stream resumes after it, without gaps.
 */
export function eventStreamRoutes(app: FastifyInstance, feed: OutboxFeed, registry: Registry): void {
  const open = new Set<ServerResponse>();
  const connections = new Gauge({
    name: "sse_connections",
    help: "Open live event streams",
    registers: [registry],
  });
  // preClose, not onClose: the server waits for open connections before onClose would run.
  app.addHook("preClose", async () => {
    for (const response of open) response.end();
  });

  app.withTypeProvider<ZodTypeProvider>().get(
    "/events/stream",
    {
      schema: {
        tags: ["events"],
        summary: "Live stream of your task events (text/event-stream); resumes from Last-Event-ID",
        params: UserParams,
      },
    },
    async (request, reply) => {
      const userId = request.user!.id;
      const lastEventId = request.headers["last-event-id"];
      const cursor: FeedCursor =
        parseCursor(Array.isArray(lastEventId) ? lastEventId[0] : lastEventId) ?? (await feed.head());
      reply.hijack();
      const response = reply.raw;
      response.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, no-transform",
        connection: "keep-alive",
        "x-accel-buffering": "no",
      });
      response.write("retry: 2000\n\n");
      open.add(response);
      connections.inc();
      const unsubscribe = feed.subscribe(userId, cursor, (events) => {
        let chunk = "";
        for (const { cursor: position, payload } of events) {
          chunk += `id: ${formatCursor(position)}\nevent: ${payload.event_type}\ndata: ${JSON.stringify(payload)}\n\n`;
        }
        response.write(chunk);
      });
      const heartbeat = setInterval(() => response.write(": heartbeat\n\n"), HEARTBEAT_MS);
      response.on("close", () => {
        clearInterval(heartbeat);
        unsubscribe();
        open.delete(response);
        connections.dec();
      });
    },
  );
}
