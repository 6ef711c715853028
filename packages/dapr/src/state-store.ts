import type { StateStore } from "@todo/events";
import { type SidecarAnswer, type SidecarRequest, sidecarRequest } from "./sidecar-http.ts";

export class StateStoreError extends Error {
  override name = "StateStoreError";
}

export interface DaprStateStoreOptions {
  /** The sidecar's HTTP port (DAPR_HTTP_PORT). */
  httpPort: number;
  host?: string;
  /** The state store component's name, e.g. todo-statestore. */
  storeName: string;
  timeoutMs?: number;
}

/**
 * The sidecar's HTTP state API, with every status checked: a failed save must not look like a
 * success. GET answers 204 for a missing key, 200 with the JSON value otherwise.
 */
export function createDaprStateStore(options: DaprStateStoreOptions): StateStore {
  const base = `http://${options.host ?? "127.0.0.1"}:${options.httpPort}/v1.0/state/${encodeURIComponent(options.storeName)}`;
  const timeoutMs = options.timeoutMs ?? 5_000;

  async function call(
    what: string,
    url: string,
    init: Omit<SidecarRequest, "timeoutMs">,
  ): Promise<SidecarAnswer> {
    try {
      return await sidecarRequest(url, { ...init, timeoutMs });
    } catch (error) {
      throw new StateStoreError(
        `dapr state ${what} failed: sidecar unreachable: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  }
  async function failure(what: string, response: SidecarAnswer): Promise<StateStoreError> {
    const detail = (await response.text().catch(() => "")).slice(0, 500);
    return new StateStoreError(`dapr state ${what} failed with ${response.status}: ${detail}`);
  }

  return {
    name: `dapr:${options.storeName}`,
    async get<T>(key: string): Promise<T | undefined> {
      const response = await call("get", `${base}/${encodeURIComponent(key)}`, { method: "GET" });
      if (response.status === 204 || response.status === 404) {
        await response.discard();
        return undefined;
      }
      if (response.status !== 200) throw await failure(`get ${key}`, response);
      const text = await response.text();
      return text ? (JSON.parse(text) as T) : undefined;
    },
    async save(key, value, saveOptions = {}) {
      const item = {
        key,
        value,
        ...(saveOptions.ttlSeconds ? { metadata: { ttlInSeconds: String(saveOptions.ttlSeconds) } } : {}),
      };
      const response = await call("save", base, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify([item]),
      });
      if (response.status !== 204 && response.status !== 200) throw await failure(`save ${key}`, response);
      await response.discard();
    },
    async delete(key) {
      const response = await call("delete", `${base}/${encodeURIComponent(key)}`, { method: "DELETE" });
      if (response.status !== 204 && response.status !== 200) throw await failure(`delete ${key}`, response);
      await response.discard();
    },
  };
}
