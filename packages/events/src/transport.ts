import type { CloudEvent } from "./cloud-event.ts";

export interface OutboundEvent {
  topic: string;
  partitionKey: string;
  event: CloudEvent;
}

/** Where the relay hands events. publish resolves once the event is safely accepted, else throws. */
export interface EventTransport {
  readonly name: string;
  /**
   * How many publishes the relay may have in flight at once, each for a different partition key
   * (a key's own events still go one at a time, in order). 1 when absent.
   */
  readonly concurrency?: number;
  publish(message: OutboundEvent): Promise<void>;
}

export class TransportError extends Error {
  override name = "TransportError";
}
