import type { LookupAddress } from "node:dns";
import http, { type IncomingHttpHeaders } from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { type NetworkPolicy, resolveDestination } from "./network-guard.ts";

export interface OutboundRequest {
  url: string;
  headers: Record<string, string | number>;
  body: string | Buffer;
  timeoutMs: number;
}

export interface OutboundResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The start of the answer, for the delivery log. */
  text: string;
}

export class OutboundTimeoutError extends Error {
  override name = "OutboundTimeoutError";
}

/**
 * POSTs to a user-supplied URL. The host is resolved and checked here, and the connection goes to
 * exactly the checked addresses (a custom lookup), so a second DNS answer cannot slip a private
 * address in between check and connect. Redirects are not followed; the whole exchange is bounded.
 */
export async function postOutbound(
  request: OutboundRequest,
  policy: NetworkPolicy,
): Promise<OutboundResponse> {
  const url = new URL(request.url);
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw new Error(`unsupported scheme ${url.protocol}`);
  const addresses = await resolveDestination(url, policy);
  const pinned: LookupFunction = (_hostname, options, callback) => {
    const usable = options.family ? addresses.filter((a) => a.family === options.family) : addresses;
    const list: LookupAddress[] = usable.length > 0 ? usable : addresses;
    if (options.all) callback(null, list);
    else callback(null, list[0]!.address, list[0]!.family);
  };
  const client = url.protocol === "https:" ? https : http;
  const signal = AbortSignal.timeout(request.timeoutMs);
  return new Promise<OutboundResponse>((resolve, reject) => {
    const req = client.request(
      url,
      {
        method: "POST",
        headers: { ...request.headers, "content-length": Buffer.byteLength(request.body) },
        lookup: pinned,
        signal,
        agent: false,
      },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          if (text.length < 1000) text += chunk;
        });
        response.on("end", () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text: text.slice(0, 1000) }),
        );
        response.on("error", reject);
      },
    );
    req.on("error", (error) =>
      reject(signal.aborted ? new OutboundTimeoutError(`no answer within ${request.timeoutMs} ms`) : error),
    );
    req.end(request.body);
  });
}
