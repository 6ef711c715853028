/** Transient key/value state: Dapr's state API (Redis) in the distributed mode, memory embedded. */
export interface StateStore {
  readonly name: string;
  get<T>(key: string): Promise<T | undefined>;
  /** `ttlSeconds` lets the store forget the key by itself (Dapr's ttlInSeconds). */
  save(key: string, value: unknown, options?: { ttlSeconds?: number }): Promise<void>;
  delete(key: string): Promise<void>;
}

/** The embedded mode's store: values are copied in and out, as they would be through Redis. */
export function createMemoryStateStore(): StateStore {
  const entries = new Map<string, { json: string; expiresAt: number | null }>();
  return {
    name: "memory",
    async get<T>(key: string): Promise<T | undefined> {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry.expiresAt !== null && entry.expiresAt <= Date.now()) {
        entries.delete(key);
        return undefined;
      }
      return JSON.parse(entry.json) as T;
    },
    async save(key, value, options = {}) {
      entries.set(key, {
        json: JSON.stringify(value),
        expiresAt: options.ttlSeconds ? Date.now() + options.ttlSeconds * 1000 : null,
      });
    },
    async delete(key) {
      entries.delete(key);
    },
  };
}
