import http, { type IncomingMessage } from "node:http";
import { finished } from "node:stream/promises";

/** What the sidecar answered: its status, then its body read once (or discarded). */
export interface SidecarAnswer {
  status: number;
  text(): Promise<string>;
  json(): Promise<unknown>;
  /** Reads and drops the body, so the connection goes back to the pool. */
  discard(): Promise<void>;
}

export interface SidecarRequest {
  method?: "GET" | "POST" | "DELETE";
  headers?: Record<string, string>;
  body?: string;
  /** The whole exchange, connect to the end of the body, in ms; then it rejects with a TimeoutError. */
  timeoutMs: number;
}

/**
 * One HTTP call to the Dapr sidecar (its HTTP API on loopback) through `node:http`, which Fastify
 * has loaded already, on its global keep-alive agent. Not undici: its module graph (with Node's
 * own copy of undici, which it reaches through `globalThis.Headers`, and node:http2) cost a
 * service ~55 ms of CPU at start in a `--cpu-prof` of the bundles, and readiness asks the
 * sidecar before the first /readyz 200. Rejects when the sidecar cannot be reached or the timeout
 * passes (a DOMException named TimeoutError); any status is an answer.
 */
export async function sidecarRequest(url: string, init: SidecarRequest): Promise<SidecarAnswer> {
  const signal = AbortSignal.timeout(init.timeoutMs);
  const headers =
    init.body === undefined
      ? init.headers
      : { ...init.headers, "content-length": String(Buffer.byteLength(init.body)) };
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const request = http.request(url, { method: init.method ?? "GET", headers, signal }, resolve);
    request.on("error", (error) => reject(signal.aborted ? signal.reason : error));
    request.end(init.body);
  });
  const text = async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of response) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  };
  return {
    status: response.statusCode ?? 0,
    text,
    json: async () => JSON.parse(await text()),
    discard: async () => {
      response.resume();
      await finished(response);
    },
  };
}
