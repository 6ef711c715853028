import type { CloudEvent } from "./cloud-event.ts";

export interface OutboundEvent {
  topic: string;
  partitionKey: string;
  event: CloudEvent;
}

/** Where the relay hands events. publish resolves once the event is safely accepted, else throws. */
export interface EventTransport {
  readonly name: string;
  publish(message: OutboundEvent): Promise<void>;
}

export class TransportError extends Error {
  override name = "TransportError";
}
