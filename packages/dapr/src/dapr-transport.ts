import { type EventTransport, type OutboundEvent, TransportError } from "@todo/events";
import { type SidecarAnswer, sidecarRequest } from "./sidecar-http.ts";

export interface DaprTransportOptions {
  /** The sidecar's HTTP port (DAPR_HTTP_PORT). */
  httpPort: number;
  host?: string;
  pubsubName: string;
  timeoutMs?: number;
  /** Publishes in flight at once, each for a different partition key (EventTransport.concurrency); 8. */
  concurrency?: number;
}

/**
 * Publishes through the sidecar's HTTP API and checks the status: the SDK's publish() reports
 * failure in its return value, which is too easy to ignore. The CloudEvents content type keeps
 * Dapr from wrapping our envelope a second time; the partition key keeps a user's events in order.
 */
export function createDaprTransport(options: DaprTransportOptions): EventTransport {
  const base = `http://${options.host ?? "127.0.0.1"}:${options.httpPort}/v1.0/publish/${encodeURIComponent(options.pubsubName)}`;
  return {
    name: "dapr",
    // Publishes of different users overlap: the sidecar's Kafka producer batches concurrent sends,
    // and a burst of events no longer holds the ones committed after it for its whole length.
    concurrency: options.concurrency ?? 8,
    async publish({ topic, partitionKey, event }: OutboundEvent) {
      const url = `${base}/${encodeURIComponent(topic)}?metadata.partitionKey=${encodeURIComponent(partitionKey)}`;
      let response: SidecarAnswer;
      try {
        response = await sidecarRequest(url, {
          method: "POST",
          headers: { "content-type": "application/cloudevents+json" },
          body: JSON.stringify(event),
          timeoutMs: options.timeoutMs ?? 5_000,
        });
      } catch (error) {
        throw new TransportError(`dapr sidecar unreachable: ${(error as Error).message}`, { cause: error });
      }
      if (response.status !== 204 && response.status !== 200) {
        const detail = (await response.text().catch(() => "")).slice(0, 500);
        throw new TransportError(`dapr publish to ${topic} failed with ${response.status}: ${detail}`);
      }
      await response.discard();
    },
  };
}
