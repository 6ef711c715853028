// The webhook receiver the soak's users register: a local HTTP server (127.0.0.1) that answers
// 5xx now and then (the delivery is to be retried; at most three times for one delivery) and, on /gone/ paths, 410 every time (the
// delivery is dead at once). It records every request it got and what it answered.
import { createServer, type Server } from "node:http";
import { random } from "./schedule.ts";

export interface Receipt {
  /** Standard Webhooks' `webhook-id`: the delivery's id, the same on every retry. */
  webhookId: string;
  path: string;
  status: number;
  /** The event inside the payload (`data.event_id`, `data.task_id`, `data.sequence`). */
  eventId: string;
  taskId: number | null;
  sequence: number;
  at: number;
}

export interface Receiver {
  url: string;
  receipts: Receipt[];
  close(): Promise<void>;
}

/**
 * At most this many 503s for one delivery (`webhook-id`), then 204: a receiver that fails now and
 * then but recovers, below the notification service's 8 attempts. Without a cap, 0.3^8 of the
 * deliveries (one in ~15,000) run out of attempts by chance and are rightly dead.
 */
export const MAX_FAILURES_PER_DELIVERY = 3;

/**
 * `failureRate` of the requests to non-/gone/ paths answer 503, drawn from `seed`, at most
 * MAX_FAILURES_PER_DELIVERY times for one delivery.
 */
export async function startReceiver(seed: number, failureRate = 0.3): Promise<Receiver> {
  const next = random(seed ^ 0x5eed);
  const receipts: Receipt[] = [];
  const failures = new Map<string, number>();
  const answer = (path: string, webhookId: string): number => {
    if (path.startsWith("/gone/")) return 410;
    const failed = failures.get(webhookId) ?? 0;
    if (failed >= MAX_FAILURES_PER_DELIVERY || next() >= failureRate) return 204;
    failures.set(webhookId, failed + 1);
    return 503;
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = req.url ?? "/";
      const webhookId = String(req.headers["webhook-id"] ?? "");
      const status = answer(path, webhookId);
      let event: { event_id?: string; task_id?: number | null; sequence?: number } = {};
      try {
        event = (JSON.parse(Buffer.concat(chunks).toString("utf8")) as { data: typeof event }).data ?? {};
      } catch {}
      receipts.push({
        webhookId,
        path,
        status,
        eventId: event.event_id ?? "",
        taskId: event.task_id ?? null,
        sequence: event.sequence ?? 0,
        at: Date.now(),
      });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    receipts,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
