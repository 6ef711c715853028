// The webhook receiver the soak's users register: a local HTTP server (127.0.0.1) that answers
// 5xx now and then (the delivery is to be retried) and, on /gone/ paths, 410 every time (the
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

/** `failureRate` of the requests to non-/gone/ paths answer 503, drawn from `seed`. */
export async function startReceiver(seed: number, failureRate = 0.3): Promise<Receiver> {
  const next = random(seed ^ 0x5eed);
  const receipts: Receipt[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = req.url ?? "/";
      const status = path.startsWith("/gone/") ? 410 : next() < failureRate ? 503 : 204;
      let event: { event_id?: string; task_id?: number | null; sequence?: number } = {};
      try {
        event = (JSON.parse(Buffer.concat(chunks).toString("utf8")) as { data: typeof event }).data ?? {};
      } catch {}
      receipts.push({
        webhookId: String(req.headers["webhook-id"] ?? ""),
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
