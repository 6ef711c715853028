import type { CloudEvent } from "./cloud-event.ts";
import type { ConsumeResult } from "./consumer.ts";
import { type EventTransport, type OutboundEvent, TransportError } from "./transport.ts";

export type InProcessHandler = (event: CloudEvent) => Promise<ConsumeResult>;

export interface InProcessBusOptions {
  /** After this many RETRY answers for one event, the subscriber's copy goes to the dead letters. */
  maxAttempts?: number;
  onDeadLetter?: (subscriber: string, message: OutboundEvent, reason: string) => Promise<void>;
  /** Called before each subscriber's turn (the database's `WorkSlices.pause`): on PGlite the event loop turns between them once a slice is spent. */
  pause?: () => Promise<void>;
}

/**
 * The embedded mode's broker. publish() hands the event to every subscriber of the topic and
 * resolves only when all have accepted it; a RETRY makes publish throw, so the event stays in the
 * outbox and comes again (subscribers are idempotent). Nothing is held in memory between tries.
 */
export function createInProcessBus(options: InProcessBusOptions = {}) {
  const maxAttempts = options.maxAttempts ?? 8;
  const subscribers = new Map<string, { name: string; handle: InProcessHandler }[]>();
  const attempts = new Map<string, number>();
  // Subscribers that already took (or dropped) an event whose delivery is being retried for others.
  const settled = new Map<string, Set<string>>();

  const transport: EventTransport = {
    name: "in-process",
    async publish(message) {
      const failures: string[] = [];
      const done = settled.get(message.event.id) ?? new Set<string>();
      for (const subscriber of subscribers.get(message.topic) ?? []) {
        if (done.has(subscriber.name)) continue;
        await options.pause?.();
        const key = `${subscriber.name}/${message.event.id}`;
        let result: ConsumeResult;
        try {
          result = await subscriber.handle(message.event);
        } catch (error) {
          result = { outcome: "RETRY", note: (error as Error).message };
        }
        if (result.outcome === "SUCCESS") {
          attempts.delete(key);
          done.add(subscriber.name);
        } else if (result.outcome === "DROP") {
          attempts.delete(key);
          done.add(subscriber.name);
          await options.onDeadLetter?.(subscriber.name, message, result.note ?? "dropped");
        } else {
          const tried = (attempts.get(key) ?? 0) + 1;
          if (tried >= maxAttempts) {
            attempts.delete(key);
            done.add(subscriber.name);
            await options.onDeadLetter?.(
              subscriber.name,
              message,
              `gave up after ${tried} attempts: ${result.note}`,
            );
          } else {
            attempts.set(key, tried);
            failures.push(`${subscriber.name}: ${result.note ?? "retry"}`);
          }
        }
      }
      if (failures.length === 0) {
        settled.delete(message.event.id);
        return;
      }
      settled.set(message.event.id, done);
      throw new TransportError(`subscribers asked to retry: ${failures.join("; ")}`);
    },
  };

  return {
    transport,
    subscribe(topic: string, name: string, handle: InProcessHandler): void {
      const list = subscribers.get(topic) ?? [];
      list.push({ name, handle });
      subscribers.set(topic, list);
    },
  };
}
export type InProcessBus = ReturnType<typeof createInProcessBus>;
