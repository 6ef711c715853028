import type { ServerResponse } from "node:http";
import { UserParams } from "@todo/contracts";
import type { Database } from "@todo/db";
import { type FeedCursor, formatCursor, type OutboxFeed, parseCursor } from "@todo/events";
import { Gauge, type Registry } from "@todo/server";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { type Kysely, sql } from "kysely";

interface OpenStream {
  userId: string;
  sessionId: string;
  response: ServerResponse;
}

export interface LiveStreamOptions {
  /** How often a stream sends a heartbeat and re-checks its session, in ms (15 000). */
  heartbeatMs?: number;
  /** Open streams per user; a new one beyond this closes that user's oldest (5). */
  maxStreamsPerUser?: number;
}

/**
 * The open live streams of this process. A stream ends with its session (OWASP ASVS 3.3.1): each
 * heartbeat re-checks it, and `recheck()` (called after every sign-out, session revocation,
 * password change or account deletion) ends at once the streams whose session is gone or expired.
 * Streams on other replicas end at their next heartbeat.
 */
export class LiveStreams {
  readonly heartbeatMs: number;
  private readonly maxPerUser: number;
  private readonly open = new Set<OpenStream>();

  constructor(
    private readonly db: Kysely<Database>,
    options: LiveStreamOptions = {},
  ) {
    this.heartbeatMs = options.heartbeatMs ?? 15_000;
    this.maxPerUser = options.maxStreamsPerUser ?? 5;
  }

  get size(): number {
    return this.open.size;
  }

  /** Registers a stream, ending the user's oldest ones beyond the limit; answers its removal. */
  add(stream: OpenStream): () => void {
    const mine = [...this.open].filter((s) => s.userId === stream.userId);
    for (const old of mine.slice(0, Math.max(0, mine.length - this.maxPerUser + 1))) this.end(old);
    this.open.add(stream);
    return () => this.open.delete(stream);
  }

  /** Ends every open stream (or those given) whose session no longer exists or has expired. */
  async recheck(streams: Iterable<OpenStream> = this.open): Promise<void> {
    const list = [...streams];
    if (list.length === 0) return;
    const { rows } = await sql<{ id: string }>`
      SELECT id FROM sessions WHERE id = ANY(${list.map((s) => s.sessionId)}) AND expires_at > now()`.execute(
      this.db,
    );
    const live = new Set(rows.map((r) => r.id));
    for (const stream of list) if (!live.has(stream.sessionId)) this.end(stream);
  }

  endAll(): void {
    for (const stream of this.open) this.end(stream);
  }

  private end(stream: OpenStream): void {
    this.open.delete(stream);
    stream.response.end();
  }
}

/**
 * GET /api/{user_id}/events/stream: the user's events as Server-Sent Events, read from the outbox
 * so every replica sees every commit. Each message's id is an outbox cursor; a reconnecting
 * EventSource sends it back as Last-Event-ID and the stream resumes after it, without gaps. A
 * Last-Event-ID the outbox cannot serve (malformed, pruned past retention, ahead of the feed, from
 * another database or user) gets a `resync` event (the client reloads what it shows), then live events.
 */
export function eventStreamRoutes(
  app: FastifyInstance,
  feed: OutboxFeed,
  registry: Registry,
  streams: LiveStreams,
): void {
  new Gauge({
    name: "sse_connections",
    help: "Open live event streams",
    registers: [registry],
    collect() {
      this.set(streams.size);
    },
  });
  // preClose, not onClose: the server waits for open connections before onClose would run.
  app.addHook("preClose", async () => streams.endAll());

  app.withTypeProvider<ZodTypeProvider>().get(
    "/events/stream",
    {
      schema: {
        tags: ["events"],
        summary:
          "Live stream of your task events (text/event-stream); resumes from Last-Event-ID, or sends `resync` when it cannot",
        params: UserParams,
      },
    },
    async (request, reply) => {
      const { id: userId, sessionId } = request.user!;
      const header = request.headers["last-event-id"];
      const lastEventId = Array.isArray(header) ? header[0] : header;
      const resumeFrom = parseCursor(lastEventId);
      const resumable =
        lastEventId === undefined || (resumeFrom !== null && (await feed.canResume(userId, resumeFrom)));
      const cursor: FeedCursor = resumable && resumeFrom ? resumeFrom : await feed.head();
      reply.hijack();
      const response = reply.raw;
      response.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, no-transform",
        connection: "keep-alive",
        "x-accel-buffering": "no",
      });
      response.write("retry: 2000\n\n");
      if (!resumable) {
        response.write(`event: resync\ndata: ${JSON.stringify({ reason: "last_event_id_unavailable" })}\n\n`);
      }
      const stream = { userId, sessionId, response };
      const remove = streams.add(stream);
      const unsubscribe = feed.subscribe(userId, cursor, (events) => {
        let chunk = "";
        for (const { cursor: position, payload } of events) {
          chunk += `id: ${formatCursor(position)}\nevent: ${payload.event_type}\ndata: ${JSON.stringify(payload)}\n\n`;
        }
        response.write(chunk);
      });
      const heartbeat = setInterval(() => {
        response.write(": heartbeat\n\n");
        streams
          .recheck([stream])
          .catch((error) => request.log.warn({ err: error }, "session re-check failed"));
      }, streams.heartbeatMs);
      response.on("close", () => {
        clearInterval(heartbeat);
        unsubscribe();
        remove();
      });
    },
  );
}
