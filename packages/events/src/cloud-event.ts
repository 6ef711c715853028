import type { DomainEvent } from "@todo/contracts";

/** The CloudEvents 1.0 envelope we publish; `data` is our payload, which repeats the type and id. */
export interface CloudEvent {
  specversion: "1.0";
  id: string;
  source: string;
  type: string;
  subject?: string;
  time: string;
  datacontenttype: "application/json";
  partitionkey: string;
  data: DomainEvent;
}

export function toCloudEvent(payload: DomainEvent): CloudEvent {
  return {
    specversion: "1.0",
    id: payload.event_id,
    source: payload.source,
    type: payload.event_type,
    ...(payload.task_id !== null ? { subject: `task/${payload.task_id}` } : {}),
    time: payload.timestamp,
    datacontenttype: "application/json",
    partitionkey: payload.user_id,
    data: payload,
  };
}

/**
 * Dapr may hand a subscriber the whole CloudEvent or only its data (raw payloads, some
 * components); both carry our fields, so take `data` when it holds them.
 */
export function unwrapPayload(body: unknown): unknown {
  if (body && typeof body === "object" && "specversion" in body && "data" in body) {
    const data = (body as { data: unknown }).data;
    if (typeof data === "string") {
      try {
        return JSON.parse(data);
      } catch {
        return data;
      }
    }
    return data;
  }
  return body;
}
