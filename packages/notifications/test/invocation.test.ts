// The notification API in the distributed mode: served by the notification service, reached from
// the backend by service invocation (a stand-in sidecar here; real daprd in the stack tier).
import assert from "node:assert/strict";
import { test } from "node:test";
import { USER_ID_HEADER } from "@todo/dapr";
import { assertProblem, buildApi } from "./api-helpers.ts";
import { fixedResolver } from "./helpers.ts";

const resolve = fixedResolver("93.184.216.34");

/** GET the user's webhooks straight from the notification service's port, with these headers. */
function direct(
  api: Awaited<ReturnType<typeof buildApi>>,
  userId: string,
  identity: { user: string; token?: string; caller?: string },
): Promise<Response> {
  const port = (api.invoked!.notificationApp.server.address() as { port: number }).port;
  return fetch(`http://127.0.0.1:${port}/api/${userId}/webhooks`, {
    headers: {
      [USER_ID_HEADER]: identity.user,
      ...(identity.token ? { "dapr-api-token": identity.token } : {}),
      ...(identity.caller ? { "dapr-caller-app-id": identity.caller } : {}),
    },
  });
}

test("invocation (stand-in sidecar): preferences and webhooks through the backend's address, with ETag, If-Match and Idempotency-Key", async (t) => {
  const api = await buildApi(t, { invocation: {}, resolve });
  const ada = await api.signUp("Ada");
  const base = `/api/${ada.userId}`;

  const before = await api.request("GET", `${base}/notification-preferences`, { token: ada.token });
  assert.equal(before.status, 200);
  const put = await api.request("PUT", `${base}/notification-preferences`, {
    token: ada.token,
    body: { preferences: { "task.completed": { email: true } } },
  });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  assert.equal(put.body.preferences["task.completed"].email, true);
  const after = await api.request("GET", `${base}/notification-preferences`, { token: ada.token });
  assert.equal(after.body.preferences["task.completed"].email, true);

  const body = { url: "https://hooks.example.com/todo", event_types: ["task.completed"] };
  const created = await api.request("POST", `${base}/webhooks`, {
    token: ada.token,
    body,
    headers: { "idempotency-key": "hook-1" },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.match(created.body.secret, /^whsec_/);
  const replayed = await api.request("POST", `${base}/webhooks`, {
    token: ada.token,
    body,
    headers: { "idempotency-key": "hook-1" },
  });
  assert.equal(replayed.status, 201);
  assert.equal(replayed.headers.get("idempotent-replayed"), "true");
  assert.equal(replayed.body.id, created.body.id);
  const list = await api.request("GET", `${base}/webhooks`, { token: ada.token });
  assert.equal(list.body.items.length, 1);

  const one = await api.request("GET", `${base}/webhooks/${created.body.id}`, { token: ada.token });
  assert.equal(one.status, 200);
  const etag = one.headers.get("etag");
  assert.ok(etag, "the ETag passes through");
  const notModified = await api.request("GET", `${base}/webhooks/${created.body.id}`, {
    token: ada.token,
    headers: { "if-none-match": etag },
  });
  assert.equal(notModified.status, 304);
  const stale = await api.request("DELETE", `${base}/webhooks/${created.body.id}`, {
    token: ada.token,
    headers: { "if-match": '"999"' },
  });
  assertProblem(stale, 412, "precondition_failed");
  const deleted = await api.request("DELETE", `${base}/webhooks/${created.body.id}`, {
    token: ada.token,
    headers: { "if-match": etag },
  });
  assert.equal(deleted.status, 204);

  const channels = await api.request("GET", "/api/notifications/channels");
  assert.equal(channels.status, 200);
  assert.equal(channels.body.in_app, true);
});

test("invocation (stand-in sidecar): another user's ids are refused, and a client cannot claim an identity", async (t) => {
  const api = await buildApi(t, { invocation: {}, resolve });
  const ada = await api.signUp("Ada");
  const bob = await api.signUp("Bob");
  const hook = await api.request("POST", `/api/${ada.userId}/webhooks`, {
    token: ada.token,
    body: { url: "https://hooks.example.com/ada", event_types: ["task.created"] },
  });
  assert.equal(hook.status, 201);

  // Bob on Ada's path: the backend refuses before anything is forwarded.
  assertProblem(
    await api.request("GET", `/api/${ada.userId}/webhooks`, { token: bob.token }),
    403,
    "forbidden",
  );
  // Bob on his own path with Ada's webhook id: not his, so not found.
  assertProblem(
    await api.request("GET", `/api/${bob.userId}/webhooks/${hook.body.id}`, { token: bob.token }),
    404,
    "not_found",
  );
  // Bob claims to be Ada in the identity header: the backend sends his own id instead.
  const claimed = await api.request("GET", `/api/${bob.userId}/webhooks`, {
    token: bob.token,
    headers: { [USER_ID_HEADER]: ada.userId, "dapr-api-token": "guess" },
  });
  assert.equal(claimed.status, 200);
  assert.deepEqual(claimed.body.items, []);
  assertProblem(await api.request("GET", `/api/${ada.userId}/webhooks`), 401, "unauthorized");

  // Straight to the notification service, past the sidecar: no app API token, no identity.
  const forged = await direct(api, ada.userId, { user: ada.userId });
  assert.equal(forged.status, 401);
  assert.equal((await forged.json()).code, "unauthorized");
  const wrongToken = await direct(api, ada.userId, {
    user: ada.userId,
    token: "x".repeat(32),
    caller: "backend",
  });
  assert.equal(wrongToken.status, 401);
  // The right token, but the identity names another user than the path.
  const token = api.invoked!.appApiToken;
  assert.equal((await direct(api, ada.userId, { user: bob.userId, token, caller: "backend" })).status, 403);
});

test("invocation (stand-in sidecar): an app id other than the backend is not trusted; the signed-in client gets 503, not a 401 that signs it out", async (t) => {
  const api = await buildApi(t, { invocation: { callerAppId: "recurring-task-service" }, resolve });
  const ada = await api.signUp("Ada");
  const reply = await api.request("GET", `/api/${ada.userId}/webhooks`, { token: ada.token });
  assertProblem(reply, 503, "service_unavailable");
  // The notification service itself refused the identity: 401 to the caller app.
  const token = api.invoked!.appApiToken;
  const refused = await direct(api, ada.userId, {
    user: ada.userId,
    token,
    caller: "recurring-task-service",
  });
  assert.equal(refused.status, 401);
});

test("invocation (stand-in sidecar): an error in Dapr's shape (unknown app id) is 503, not passed through", async (t) => {
  const api = await buildApi(t, { invocation: { appId: "no-such-app" }, resolve });
  const ada = await api.signUp("Ada");
  const reply = await api.request("GET", `/api/${ada.userId}/notification-preferences`, { token: ada.token });
  assertProblem(reply, 503, "service_unavailable");
  assert.ok(Number(reply.headers.get("retry-after")) > 0);
});

test("invocation (stand-in sidecar): the notification service's errors pass through as problem+json naming the field", async (t) => {
  const api = await buildApi(t, { invocation: {}, resolve });
  const ada = await api.signUp("Ada");
  const bad = await api.request("POST", `/api/${ada.userId}/webhooks`, {
    token: ada.token,
    body: { url: "ftp://hooks.example.com" },
  });
  assertProblem(bad, 400, "validation_failed", "url");
  const unknown = await api.request("PATCH", `/api/${ada.userId}/notifications/999999`, {
    token: ada.token,
    body: { read: true },
  });
  assertProblem(unknown, 404, "not_found");
});

test("invocation (stand-in sidecar): the notification service or the sidecar down answers 503 with Retry-After, not 500", async (t) => {
  const api = await buildApi(t, { invocation: {}, resolve });
  const ada = await api.signUp("Ada");
  await api.invoked!.notificationApp.close();
  const appDown = await api.request("GET", `/api/${ada.userId}/notification-preferences`, {
    token: ada.token,
  });
  assertProblem(appDown, 503, "service_unavailable");
  assert.ok(Number(appDown.headers.get("retry-after")) > 0);
  const write = await api.request("POST", `/api/${ada.userId}/webhooks`, {
    token: ada.token,
    body: { url: "https://hooks.example.com/x", event_types: ["task.created"] },
    headers: { "idempotency-key": "down-1" },
  });
  assertProblem(write, 503, "service_unavailable");

  await api.invoked!.sidecar.close();
  const sidecarDown = await api.request("GET", `/api/${ada.userId}/webhooks`, { token: ada.token });
  assertProblem(sidecarDown, 503, "service_unavailable");
  assert.ok(Number(sidecarDown.headers.get("retry-after")) > 0);
});
