import assert from "node:assert/strict";
import { createDecipheriv, createECDH, createPublicKey, hkdfSync, randomBytes, verify } from "node:crypto";
import { test } from "node:test";
import webpush from "web-push";
import { updatePreferences } from "../src/preferences.ts";
import { savePushSubscription } from "../src/push-subscriptions.ts";
import {
  createUser,
  fixedResolver,
  openService,
  startReceiver,
  taskEvent,
  testConfig,
  waitFor,
} from "./helpers.ts";

/** What a browser keeps for a PushSubscription: its ECDH key pair and the auth secret. */
function browserKeys() {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  return { ecdh, publicKey: ecdh.getPublicKey(), auth: randomBytes(16) };
}

/** RFC 8291 / RFC 8188 aes128gcm decryption, as the browser does it (one record). */
function decrypt(body: Buffer, keys: ReturnType<typeof browserKeys>): string {
  const salt = body.subarray(0, 16);
  const idLength = body.readUInt8(20);
  const serverPublicKey = body.subarray(21, 21 + idLength);
  const record = body.subarray(21 + idLength);
  const shared = keys.ecdh.computeSecret(serverPublicKey);
  const keyInfo = Buffer.concat([Buffer.from("WebPush: info\0"), keys.publicKey, serverPublicKey]);
  const ikm = Buffer.from(hkdfSync("sha256", shared, keys.auth, keyInfo, 32));
  const cek = Buffer.from(hkdfSync("sha256", ikm, salt, Buffer.from("Content-Encoding: aes128gcm\0"), 16));
  const nonce = Buffer.from(hkdfSync("sha256", ikm, salt, Buffer.from("Content-Encoding: nonce\0"), 12));
  const decipher = createDecipheriv("aes-128-gcm", cek, nonce);
  decipher.setAuthTag(record.subarray(record.length - 16));
  const padded = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
  // The last record ends with the delimiter 0x02, then zero padding.
  const end = padded.lastIndexOf(2);
  return padded.subarray(0, end).toString("utf8");
}

function verifyVapid(authorization: string, publicKey: string, audience: string): void {
  const match = authorization.match(/^vapid t=([^,]+), k=(.+)$/);
  assert.ok(match, authorization);
  assert.equal(match[2], publicKey);
  const [header, payload, signature] = match[1]!.split(".");
  const point = Buffer.from(publicKey, "base64url");
  const key = createPublicKey({
    key: {
      kty: "EC",
      crv: "P-256",
      x: point.subarray(1, 33).toString("base64url"),
      y: point.subarray(33).toString("base64url"),
    },
    format: "jwk",
  });
  assert.ok(
    verify(
      "sha256",
      Buffer.from(`${header}.${payload}`),
      { key, dsaEncoding: "ieee-p1363" },
      Buffer.from(signature!, "base64url"),
    ),
    "the VAPID JWT is signed with the configured key",
  );
  assert.equal(JSON.parse(Buffer.from(payload!, "base64url").toString()).aud, audience);
}

test("web push: the push service gets an aes128gcm payload that the browser's keys decrypt", async (t) => {
  const pushService = await startReceiver(t, () => ({ status: 201 }));
  const vapid = webpush.generateVAPIDKeys();
  const { db, database, service } = await openService(t, {
    config: testConfig({ push: { ...vapid, subject: "mailto:ops@example.com" } }),
  });
  const user = await createUser(database);
  const keys = browserKeys();
  await savePushSubscription(
    { db, userId: user.id, network: { allowPrivateNetworks: true, resolve: fixedResolver("127.0.0.1") } },
    {
      endpoint: `${pushService.url}/push/abc123`,
      expirationTime: null,
      keys: { p256dh: keys.publicKey.toString("base64url"), auth: keys.auth.toString("base64url") },
    },
  );
  await updatePreferences(db, user.id, { preferences: { "task.completed": { push: true } } });
  await service.start();
  const event = taskEvent("task.completed", user.id, { title: "Water the plants" });
  await service.handle(event);

  const [request] = await waitFor(
    () => (pushService.received.length > 0 ? pushService.received : undefined),
    "the push",
  );
  assert.equal(request!.url, "/push/abc123");
  assert.equal(request!.headers["content-encoding"], "aes128gcm");
  assert.ok(Number(request!.headers.ttl) > 0);
  verifyVapid(String(request!.headers.authorization), vapid.publicKey, pushService.url);
  const message = JSON.parse(decrypt(request!.body, keys));
  const notification = await db.selectFrom("notifications").selectAll().executeTakeFirstOrThrow();
  assert.deepEqual(message, {
    title: "Completed: Water the plants",
    body: "Well done, the task is done.",
    event_type: "task.completed",
    task_id: 7,
    notification_id: notification.id,
    url: "/",
  });
});

test("a 410 from the push service removes the subscription", async (t) => {
  const pushService = await startReceiver(t, () => ({ status: 410 }));
  const vapid = webpush.generateVAPIDKeys();
  const { db, database, service } = await openService(t, {
    config: testConfig({ push: { ...vapid, subject: "mailto:ops@example.com" } }),
  });
  const user = await createUser(database);
  const keys = browserKeys();
  await savePushSubscription(
    { db, userId: user.id, network: { allowPrivateNetworks: true, resolve: fixedResolver("127.0.0.1") } },
    {
      endpoint: `${pushService.url}/push/gone`,
      keys: { p256dh: keys.publicKey.toString("base64url"), auth: keys.auth.toString("base64url") },
    },
  );
  await updatePreferences(db, user.id, { preferences: { "task.due.approaching": { push: true } } });
  await service.start();
  await service.handle(taskEvent("task.due.approaching", user.id));
  const row = await waitFor(
    () =>
      db
        .selectFrom("notification_deliveries")
        .selectAll()
        .where("channel", "=", "push")
        .where("status", "=", "dead")
        .executeTakeFirst(),
    "the dead push delivery",
  );
  assert.equal(row.attempts, 1);
  assert.match(row.last_error ?? "", /410/);
  assert.equal((await db.selectFrom("push_subscriptions").selectAll().execute()).length, 0);
});
