// For tests of this package and of the packages whose routes it mounts (notifications, activity).
import { randomBytes, scryptSync, timingSafeEqual } from "node:crypto";
import type { DatabaseHandle } from "@todo/db";
import { OutboxFeed } from "@todo/events";
import { createRegistry } from "@todo/server";
import { type Backend, type BackendDeps, buildBackend } from "./app.ts";
import type { PasswordHash } from "./auth.ts";

/**
 * scrypt at the lowest cost (N = 16, r = 1, p = 1) with a 16-byte salt, stored as
 * `test-scrypt:<salt hex>:<key hex>`: a real hash, checked in constant time, for tests that sign
 * up and in hundreds of times, where Better Auth's own (N = 16384, r = 16) costs 66 ms of CPU each.
 */
export const testPasswordHash: PasswordHash = {
  async hash(password) {
    const salt = randomBytes(16);
    return `test-scrypt:${salt.toString("hex")}:${testKey(password, salt).toString("hex")}`;
  },
  async verify({ hash, password }) {
    const [scheme, salt, key] = hash.split(":");
    if (scheme !== "test-scrypt" || !salt || !key) return false;
    return timingSafeEqual(testKey(password, Buffer.from(salt, "hex")), Buffer.from(key, "hex"));
  },
};

function testKey(password: string, salt: Buffer): Buffer {
  return scryptSync(password.normalize("NFKC"), salt, 32, { N: 16, r: 1, p: 1 });
}

/**
 * The backend as tests build it on `database`: a started outbox feed polling every 50 ms, a fixed
 * test auth secret, http://localhost as its public URL, 1000 sign-ins a minute, no logger, a
 * registry of its own and `testPasswordHash`; `overrides` replace any of these (`passwordHash:
 * undefined` for Better Auth's own). `stop()` closes the server, then the
 * feed; the database is the caller's to close.
 */
export async function startTestBackend(
  database: DatabaseHandle,
  overrides: Partial<Omit<BackendDeps, "database" | "feed">> = {},
): Promise<{ backend: Backend; feed: OutboxFeed; stop: () => Promise<void> }> {
  const feed = new OutboxFeed(database, { pollIntervalMs: 50 });
  await feed.start();
  const backend = await buildBackend({
    registry: createRegistry("test"),
    authSecret: "test-secret-that-is-long-enough-for-better-auth",
    publicUrl: "http://localhost",
    signInLimitPerMinute: 1000,
    logger: false,
    passwordHash: testPasswordHash,
    ...overrides,
    database,
    feed,
  });
  return {
    backend,
    feed,
    stop: async () => {
      await backend.app.close();
      await feed.stop();
    },
  };
}
