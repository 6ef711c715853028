import type { CloudEvent } from "./cloud-event.ts";

export interface OutboundEvent {
  topic: string;
  partitionKey: string;
  event: CloudEvent;
}

/** One event of a bulk publish, named by an id unique within the call (the relay uses the outbox row's id). */
export interface BulkEntry extends OutboundEvent {
  entryId: string;
}

/** An entry of a bulk publish that did not go out, and why. */
export interface FailedEntry {
  entryId: string;
  error: string;
}

/** Where the relay hands events. publish resolves once the event is safely accepted, else throws. */
export interface EventTransport {
  readonly name: string;
  publish(message: OutboundEvent): Promise<void>;
  /**
   * Publishes several events in as few calls as the transport can (Dapr's bulk publish API: one
   * call per topic). The relay gives at most one entry per partition key, because a bulk call does
   * not keep the order of its entries. Resolves with the entries that did not go out (empty when
   * all did); the others are safely accepted. Throws when it cannot tell that any went out (the
   * sidecar unreachable, an answer without the failed entries): then none counts as sent.
   */
  publishBulk?(entries: BulkEntry[]): Promise<FailedEntry[]>;
}

export class TransportError extends Error {
  override name = "TransportError";
}
