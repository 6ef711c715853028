import type { ConsumeResult, Outcome } from "@todo/events";

/**
 * One message of a Dapr delivery: the event payload it carries (our DomainEvent, not yet
 * validated: the consumer does that), or why no payload could be read from it.
 * `entryId` is the bulk entry's id, null for a single delivery.
 */
export type DeliveryEntry =
  | { entryId: string | null; payload: unknown; unreadable?: undefined }
  | { entryId: string | null; unreadable: string };

/** A request Dapr made to a subscription route: one message, or a bulk envelope of several. */
export interface DaprDelivery {
  bulk: boolean;
  entries: DeliveryEntry[];
}

/** What the route answers: `{status}` for one message, `{statuses: [{entryId, status}]}` for a bulk. */
export type DeliveryAnswer = { status: Outcome } | { statuses: { entryId: string; status: Outcome }[] };

/**
 * Reads every shape Dapr 1.18 delivers to an HTTP subscription route (sources: Dapr's pub/sub
 * API reference, "Publishing & subscribing messages without CloudEvents", "Publish and subscribe
 * to bulk messages"):
 * - a structured CloudEvent (`application/cloudevents+json` or `application/json`) whose `data` is
 *   the payload, a JSON string of it, or `data_base64` (base64 of its JSON bytes);
 * - a raw payload (published with `metadata.rawPayload=true`): the payload's own bytes under the
 *   publisher's content type (`application/json`, `text/plain`, `application/octet-stream`, ...),
 *   or, for a subscription declared with `rawPayload`, wrapped by the sidecar in a CloudEvent with
 *   `data_base64`;
 * - a bulk envelope (`bulkSubscribe`): `{entries: [{entryId, event, contentType}]}`, each `event`
 *   a CloudEvent object, or base64 of a raw message's bytes.
 * A CloudEvent found inside `data_base64` (ours, carried raw) is unwrapped once more.
 * Never throws: what cannot be read becomes an entry with a reason, answered DROP, so Dapr sends
 * it to the dead-letter topic instead of retrying it forever.
 *
 * @param contentType the request's Content-Type header (parameters ignored), if any
 * @param body the request body's bytes (empty when there was none)
 */
export function readDaprDelivery(contentType: string | undefined, body: Buffer): DaprDelivery {
  const parsed = parseJson(body);
  if (!parsed.ok)
    return { bulk: false, entries: [{ entryId: null, unreadable: notJson(contentType, body) }] };
  if (isBulkEnvelope(parsed.value)) {
    const entries: DeliveryEntry[] = [];
    for (const entry of parsed.value.entries) {
      const entryId = (entry as { entryId?: unknown } | null)?.entryId;
      // An entry without an id cannot be answered (Dapr refuses such entries before sending them).
      if (typeof entryId !== "string" || entryId === "") continue;
      entries.push({ entryId, ...readBulkEvent(entry as Record<string, unknown>) });
    }
    return { bulk: true, entries };
  }
  return { bulk: false, entries: [{ entryId: null, ...readMessage(parsed.value) }] };
}

/**
 * Runs `handle` on each readable entry in order and answers Dapr. Unreadable entries are DROP.
 * After an entry answers RETRY the entries behind it are answered RETRY without being handled:
 * they are the same user's later events more often than not, and handling them first would
 * break the per-user order a single delivery keeps (Dapr retries it in place).
 * A handler that throws is taken as RETRY (it should answer, not throw).
 */
export async function answerDaprDelivery(
  delivery: DaprDelivery,
  handle: (payload: unknown) => Promise<ConsumeResult>,
  log: { warn(obj: object, msg: string): void },
): Promise<DeliveryAnswer> {
  const outcomes: Outcome[] = [];
  let blocked = false;
  for (const entry of delivery.entries) {
    if (entry.unreadable !== undefined) {
      log.warn({ entryId: entry.entryId, reason: entry.unreadable }, "dropping an unreadable Dapr delivery");
      outcomes.push("DROP");
    } else if (blocked) {
      outcomes.push("RETRY");
    } else {
      let outcome: Outcome;
      try {
        outcome = (await handle(entry.payload)).outcome;
      } catch (error) {
        log.warn({ entryId: entry.entryId, err: error }, "a subscription handler threw; answering RETRY");
        outcome = "RETRY";
      }
      blocked = outcome === "RETRY";
      outcomes.push(outcome);
    }
  }
  if (!delivery.bulk) return { status: outcomes[0] ?? "DROP" };
  return {
    statuses: delivery.entries.map((entry, i) => ({ entryId: entry.entryId!, status: outcomes[i]! })),
  };
}

type Read = { payload: unknown; unreadable?: undefined } | { unreadable: string };

function readBulkEvent(entry: Record<string, unknown>): Read {
  const event = entry.event;
  if (typeof event === "string") {
    // A raw entry: base64 of the message's bytes, under the publisher's content type.
    const bytes = decodeBase64(event);
    if (!bytes) return { unreadable: "bulk entry's event is neither an object nor base64" };
    const parsed = parseJson(bytes);
    if (!parsed.ok) return { unreadable: notJson(entry.contentType as string | undefined, bytes) };
    return readMessage(parsed.value);
  }
  return readMessage(event);
}

/** A message's JSON: a CloudEvent (unwrapped, at most twice) or the payload itself. */
function readMessage(value: unknown, depth = 0): Read {
  if (!isObject(value) || !("specversion" in value)) return { payload: value };
  if (typeof value.data_base64 === "string") {
    const bytes = decodeBase64(value.data_base64);
    if (!bytes) return { unreadable: "CloudEvent data_base64 is not base64" };
    const parsed = parseJson(bytes);
    if (!parsed.ok) {
      return {
        unreadable: notJson(value.datacontenttype as string | undefined, bytes, "CloudEvent data_base64"),
      };
    }
    return depth === 0 ? readMessage(parsed.value, depth + 1) : { payload: parsed.value };
  }
  if (!("data" in value)) return { unreadable: "CloudEvent without data or data_base64" };
  if (typeof value.data === "string") {
    const parsed = parseJson(Buffer.from(value.data, "utf8"));
    if (!parsed.ok)
      return {
        unreadable: notJson(value.datacontenttype as string | undefined, value.data, "CloudEvent data"),
      };
    return { payload: parsed.value };
  }
  return { payload: value.data };
}

function isBulkEnvelope(value: unknown): value is { entries: unknown[] } {
  return isObject(value) && Array.isArray(value.entries) && !("specversion" in value && "data" in value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseJson(bytes: Buffer): { ok: true; value: unknown } | { ok: false } {
  if (bytes.length === 0) return { ok: false };
  try {
    return { ok: true, value: JSON.parse(bytes.toString("utf8")) };
  } catch {
    return { ok: false };
  }
}

// Strict: Buffer.from(…, "base64") skips what is not base64, and would read any text as bytes.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function decodeBase64(text: string): Buffer | null {
  return BASE64.test(text) ? Buffer.from(text, "base64") : null;
}

function notJson(contentType: string | undefined, bytes: Buffer | string, what = "body"): string {
  const size = typeof bytes === "string" ? Buffer.byteLength(bytes) : bytes.length;
  if (size === 0) return `empty ${what}`;
  return `${what} (${contentType || "no content type"}, ${size} bytes) is not a JSON event`;
}
