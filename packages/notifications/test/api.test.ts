import assert from "node:assert/strict";
import { test } from "node:test";
import { assertProblem, buildApi, buildPushApi } from "./api-helpers.ts";
import { startReceiver, taskEvent, testConfig, waitFor } from "./helpers.ts";

const subscription = (endpoint: string) => ({
  endpoint,
  expirationTime: null,
  keys: {
    p256dh: "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM",
    auth: "tBHItJI5svbpez7KI4CCXg",
  },
});

test("notifications: newest first, paged, unread count and filter, mark read, mark all read", async (t) => {
  const api = await buildApi(t);
  const ada = await api.signUp("Ada");
  for (const [i, title] of ["First", "Second", "Third"].entries()) {
    await api.service.handle(taskEvent("task.completed", ada.userId, { taskId: i + 1, title }));
  }
  const base = `/api/${ada.userId}/notifications`;
  const page1 = await api.request("GET", `${base}?limit=2`, { token: ada.token });
  assert.equal(page1.status, 200);
  assert.deepEqual(
    page1.body.items.map((n: { title: string }) => n.title),
    ["Completed: Third", "Completed: Second"],
  );
  assert.equal(page1.body.unread_count, 3);
  assert.deepEqual(
    { ...page1.body.page, next_cursor: undefined },
    { limit: 2, offset: 0, total: 3, next_offset: 2, next_cursor: undefined },
  );
  const byCursor = await api.request("GET", `${base}?limit=2&cursor=${page1.body.page.next_cursor}`, {
    token: ada.token,
  });
  assert.deepEqual(
    byCursor.body.items.map((n: { title: string }) => n.title),
    ["Completed: First"],
  );
  assert.equal(byCursor.body.page.next_cursor, null);
  const page2 = await api.request("GET", `${base}?limit=2&offset=2`, { token: ada.token });
  assert.deepEqual(
    page2.body.items.map((n: { title: string }) => n.title),
    ["Completed: First"],
  );
  assert.equal(page2.body.page.next_offset, null);
  const first = page2.body.items[0];
  assert.equal(first.event_type, "task.completed");
  assert.equal(first.task_id, 1);
  assert.equal(first.read, false);

  const read = await api.request("PATCH", `${base}/${first.id}`, { token: ada.token, body: { read: true } });
  assert.equal(read.status, 200);
  assert.equal(read.body.read, true);
  const unread = await api.request("GET", `${base}?unread=true`, { token: ada.token });
  assert.equal(unread.body.page.total, 2);
  assert.equal(unread.body.unread_count, 2);
  assert.ok(unread.body.items.every((n: { read: boolean }) => !n.read));
  const back = await api.request("PATCH", `${base}/${first.id}`, { token: ada.token, body: { read: false } });
  assert.equal(back.body.read, false);

  const all = await api.request("POST", `${base}/read-all`, { token: ada.token });
  assert.deepEqual([all.status, all.body], [200, { updated: 3 }]);
  const after = await api.request("GET", base, { token: ada.token });
  assert.equal(after.body.unread_count, 0);
  assert.deepEqual((await api.request("POST", `${base}/read-all`, { token: ada.token })).body, {
    updated: 0,
  });

  assertProblem(
    await api.request("PATCH", `${base}/${first.id}`, { token: ada.token, body: { read: "yes" } }),
    400,
    "validation_failed",
    "read",
  );
  assertProblem(
    await api.request("PATCH", `${base}/999999`, { token: ada.token, body: { read: true } }),
    404,
    "not_found",
  );
  assertProblem(
    await api.request("GET", `${base}?limit=1000`, { token: ada.token }),
    400,
    "validation_failed",
  );
});

test("a page and its counts come from one snapshot, also while notifications arrive", async (t) => {
  const api = await buildApi(t);
  const ada = await api.signUp("Ada");
  const base = `/api/${ada.userId}/notifications`;
  const empty = await api.request("GET", base, { token: ada.token });
  assert.deepEqual(empty.body, {
    items: [],
    unread_count: 0,
    page: { limit: 20, offset: 0, total: 0, next_offset: null, next_cursor: null },
  });

  // Four writers and three readers at once, so commits land between any two statements.
  let arriving = true;
  let next = 0;
  const writer = async () => {
    while (next < 100) {
      next += 1;
      await api.service.handle(taskEvent("task.completed", ada.userId, { taskId: next, title: `T${next}` }));
    }
  };
  const arrivals = Promise.all([writer(), writer(), writer(), writer()]).finally(() => {
    arriving = false;
  });
  let pages = 0;
  const reader = async () => {
    try {
      while (arriving) {
        const reply = await api.request("GET", `${base}?limit=100&unread=true`, { token: ada.token });
        pages += 1;
        // Nothing is read and the page holds them all, so every count is the number of items.
        assert.equal(reply.body.unread_count, reply.body.items.length, `page ${pages}`);
        assert.equal(reply.body.page.total, reply.body.items.length, `page ${pages}`);
      }
    } catch (error) {
      next = 100; // the writers stop too
      throw error;
    }
  };
  await Promise.all([reader(), reader(), reader(), arrivals]);
  assert.ok(pages > 1, "the lists ran while notifications arrived");
});

test("deliveries of a notification: status from PostgreSQL, attempt history from the state store", async (t) => {
  const receiver = await startReceiver(t, (_r, index) => ({ status: index === 0 ? 502 : 200 }));
  const api = await buildApi(t);
  const ada = await api.signUp("Ada");
  const hook = await api.request("POST", `/api/${ada.userId}/webhooks`, {
    token: ada.token,
    body: { url: `${receiver.url}/in`, event_types: ["task.completed"] },
  });
  assert.equal(hook.status, 201);
  await api.service.start();
  await api.service.handle(taskEvent("task.completed", ada.userId));
  const [notification] = (await api.request("GET", `/api/${ada.userId}/notifications`, { token: ada.token }))
    .body.items;
  const path = `/api/${ada.userId}/notifications/${notification.id}/deliveries`;
  const reply = await waitFor(async () => {
    const r = await api.request("GET", path, { token: ada.token });
    return r.body.items?.[0]?.status === "delivered" ? r : undefined;
  }, "the delivered webhook");
  assert.equal(reply.status, 200);
  const [delivery] = reply.body.items;
  assert.equal(delivery.channel, "webhook");
  assert.equal(delivery.destination, `${receiver.url}/in`);
  assert.equal(delivery.attempts, 2);
  assert.equal(delivery.last_error, null);
  assert.equal(delivery.id, receiver.received[0]!.headers["webhook-id"]);
  assert.deepEqual(
    delivery.history.map((h: { outcome: string }) => h.outcome),
    ["failed", "delivered"],
  );
  assert.match(delivery.history[0].detail, /HTTP 502/);
});

test("deliveries page with a keyset cursor: each delivery once", async (t) => {
  const receiver = await startReceiver(t);
  const api = await buildApi(t);
  const ada = await api.signUp("Ada");
  for (const name of ["a", "b", "c"]) {
    const hook = await api.request("POST", `/api/${ada.userId}/webhooks`, {
      token: ada.token,
      body: { url: `${receiver.url}/${name}`, event_types: ["task.completed"] },
    });
    assert.equal(hook.status, 201);
  }
  await api.service.handle(taskEvent("task.completed", ada.userId));
  const [notification] = (await api.request("GET", `/api/${ada.userId}/notifications`, { token: ada.token }))
    .body.items;
  const path = `/api/${ada.userId}/notifications/${notification.id}/deliveries?limit=2`;
  const first = (await api.request("GET", path, { token: ada.token })).body;
  assert.equal(first.items.length, 2);
  assert.equal(typeof first.page.next_cursor, "string");
  const second = (await api.request("GET", `${path}&cursor=${first.page.next_cursor}`, { token: ada.token }))
    .body;
  assert.equal(second.items.length, 1);
  assert.equal(second.page.next_cursor, null);
  const ids = [...first.items, ...second.items].map((d: { id: string }) => d.id);
  assert.equal(new Set(ids).size, 3);
});

test("preferences: every event type with defaults, partial updates merge, bad names are refused", async (t) => {
  const api = await buildApi(t);
  const ada = await api.signUp();
  const path = `/api/${ada.userId}/notification-preferences`;
  const initial = await api.request("GET", path, { token: ada.token });
  assert.equal(initial.status, 200);
  assert.deepEqual(initial.body.preferences["task.due.approaching"], {
    in_app: true,
    email: true,
    push: false,
  });
  assert.deepEqual(initial.body.preferences["task.completed"], { in_app: true, email: false, push: false });
  assert.equal(Object.keys(initial.body.preferences).length, 6);

  const put = await api.request("PUT", path, {
    token: ada.token,
    body: { preferences: { "task.completed": { in_app: true, email: true } } },
  });
  assert.equal(put.status, 200);
  assert.deepEqual(put.body.preferences["task.completed"], { in_app: true, email: true, push: false });
  const second = await api.request("PUT", path, {
    token: ada.token,
    body: { preferences: { "task.completed": { push: true }, "task.due.approaching": { email: false } } },
  });
  assert.deepEqual(
    second.body.preferences["task.completed"],
    { in_app: true, email: true, push: true },
    "kept email",
  );
  assert.deepEqual(second.body.preferences["task.due.approaching"], {
    in_app: true,
    email: false,
    push: false,
  });
  assert.deepEqual((await api.request("GET", path, { token: ada.token })).body, second.body);

  assertProblem(
    await api.request("PUT", path, {
      token: ada.token,
      body: { preferences: { "task.exploded": { email: true } } },
    }),
    400,
    "validation_failed",
  );
  assertProblem(
    await api.request("PUT", path, {
      token: ada.token,
      body: { preferences: { "task.completed": { sms: true } } },
    }),
    400,
    "validation_failed",
  );
});

test("webhooks: created with a whsec_ secret shown once, listed without it, deleted", async (t) => {
  const api = await buildApi(t);
  const ada = await api.signUp();
  const path = `/api/${ada.userId}/webhooks`;
  const created = await api.request("POST", path, {
    token: ada.token,
    body: {
      url: "http://127.0.0.1:9/hook",
      event_types: ["task.completed", "task.due.approaching"],
      description: "CI",
    },
  });
  assert.equal(created.status, 201);
  assert.match(created.body.secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
  assert.deepEqual(created.body.event_types, ["task.completed", "task.due.approaching"]);
  const list = await api.request("GET", path, { token: ada.token });
  assert.equal(list.status, 200);
  assert.equal(list.body.items.length, 1);
  assert.equal(list.body.items[0].secret, undefined, "the secret is not shown again");
  assert.equal(list.body.items[0].description, "CI");
  const deleted = await api.request("DELETE", `${path}/${created.body.id}`, { token: ada.token });
  assert.equal(deleted.status, 204);
  assertProblem(
    await api.request("DELETE", `${path}/${created.body.id}`, { token: ada.token }),
    404,
    "not_found",
  );

  assertProblem(
    await api.request("POST", path, {
      token: ada.token,
      body: { url: "ftp://x.example/", event_types: ["task.completed"] },
    }),
    400,
    "validation_failed",
    "url",
  );
  assertProblem(
    await api.request("POST", path, {
      token: ada.token,
      body: { url: "https://x.example/", event_types: [] },
    }),
    400,
    "validation_failed",
    "event_types",
  );
});

test("webhook URLs that lead to private, loopback or link-local addresses are refused at creation", async (t) => {
  const api = await buildApi(t, {
    config: testConfig({ webhooks: { allowPrivateNetworks: false, timeoutMs: 1000 } }),
    resolve: async (host) => [
      { address: host === "intranet.example.com" ? "10.1.2.3" : "93.184.216.34", family: 4 },
    ],
  });
  const ada = await api.signUp();
  const path = `/api/${ada.userId}/webhooks`;
  for (const url of [
    "http://127.0.0.1/hook",
    "http://[::1]:8080/hook",
    "http://[::ffff:127.0.0.1]/hook",
    "http://[::ffff:a00:1]/hook",
    "http://169.254.169.254/latest/meta-data",
    "http://[fe80::1]/hook",
    "http://192.168.1.10/hook",
    "http://0.0.0.0/hook",
    "https://intranet.example.com/hook",
  ]) {
    const reply = await api.request("POST", path, {
      token: ada.token,
      body: { url, event_types: ["task.completed"] },
    });
    assertProblem(reply, 400, "validation_failed", "url");
    assert.match(reply.body.detail, /private, loopback or link-local/, url);
  }
  const ok = await api.request("POST", path, {
    token: ada.token,
    body: { url: "https://hooks.example.com/todo", event_types: ["task.completed"] },
  });
  assert.equal(ok.status, 201);
});

test("push subscriptions: saved (again), deleted by endpoint; the VAPID public key is public", async (t) => {
  const { api, vapid } = await buildPushApi(t);
  const key = await api.request("GET", "/api/notifications/vapid-public-key");
  assert.deepEqual([key.status, key.body], [200, { public_key: vapid.publicKey }]);
  assert.equal((await api.request("GET", "/api/notifications/channels")).body.push, true);

  const ada = await api.signUp();
  const path = `/api/${ada.userId}/push-subscriptions`;
  const endpoint = "https://push.example.net/send/abc";
  const saved = await api.request("POST", path, { token: ada.token, body: subscription(endpoint) });
  assert.equal(saved.status, 201);
  assert.equal(saved.body.endpoint, endpoint);
  assert.equal(
    (await api.request("POST", path, { token: ada.token, body: subscription(endpoint) })).status,
    201,
  );
  assert.equal(
    (await api.db.selectFrom("push_subscriptions").selectAll().execute()).length,
    1,
    "one row per endpoint",
  );

  const removed = await api.request("DELETE", path, { token: ada.token, body: { endpoint } });
  assert.equal(removed.status, 204);
  const again = await api.request("DELETE", path, { token: ada.token, body: { endpoint } });
  assert.equal(again.status, 204, "turning push off twice is fine");
  assertProblem(
    await api.request("POST", path, { token: ada.token, body: { endpoint } }),
    400,
    "validation_failed",
    "keys",
  );
  assertProblem(
    await api.request("POST", path, { token: ada.token, body: subscription("http://push.example.net/x") }),
    400,
    "validation_failed",
    "endpoint",
  );
  assertProblem(
    await api.request("POST", path, { token: ada.token, body: subscription("https://[::1]/x") }),
    400,
    "validation_failed",
    "endpoint",
  );
});

test("without VAPID keys or SMTP_URL the public key is null and the server says push and e-mail are off", async (t) => {
  const api = await buildApi(t);
  const key = await api.request("GET", "/api/notifications/vapid-public-key");
  assert.deepEqual([key.status, key.body], [200, { public_key: null }]);
  const channels = await api.request("GET", "/api/notifications/channels");
  assert.deepEqual(
    [channels.status, channels.body],
    [200, { in_app: true, email: false, push: false, webhook: true }],
  );
});

test("isolation: another user's path is 403, another user's notification or webhook is 404, no token is 401", async (t) => {
  const api = await buildApi(t);
  const ada = await api.signUp("Ada");
  const bob = await api.signUp("Bob");
  await api.service.handle(taskEvent("task.completed", ada.userId));
  const [adaNote] = (await api.request("GET", `/api/${ada.userId}/notifications`, { token: ada.token })).body
    .items;
  const adaHook = await api.request("POST", `/api/${ada.userId}/webhooks`, {
    token: ada.token,
    body: { url: "http://127.0.0.1:9/", event_types: ["task.completed"] },
  });

  const routes: [string, string, unknown?][] = [
    ["GET", "notifications"],
    ["PATCH", `notifications/${adaNote.id}`, { read: true }],
    ["POST", "notifications/read-all"],
    ["GET", `notifications/${adaNote.id}/deliveries`],
    ["GET", "notification-preferences"],
    ["PUT", "notification-preferences", { preferences: { "task.completed": { email: true } } }],
    ["POST", "push-subscriptions", subscription("https://push.example.net/1")],
    ["DELETE", "push-subscriptions", { endpoint: "https://push.example.net/1" }],
    ["GET", "webhooks"],
    ["POST", "webhooks", { url: "http://127.0.0.1:9/", event_types: ["task.completed"] }],
    ["DELETE", `webhooks/${adaHook.body.id}`],
  ];
  for (const [method, route, body] of routes) {
    const path = `/api/${ada.userId}/${route}`;
    assertProblem(await api.request(method, path, { token: bob.token, body }), 403, "forbidden");
    assertProblem(await api.request(method, path, { body }), 401, "unauthorized");
  }
  // Bob, on his own path, cannot reach Ada's objects: they do not exist for him.
  const bobBase = `/api/${bob.userId}`;
  assertProblem(
    await api.request("PATCH", `${bobBase}/notifications/${adaNote.id}`, {
      token: bob.token,
      body: { read: true },
    }),
    404,
    "not_found",
  );
  assertProblem(
    await api.request("GET", `${bobBase}/notifications/${adaNote.id}/deliveries`, { token: bob.token }),
    404,
    "not_found",
  );
  assertProblem(
    await api.request("DELETE", `${bobBase}/webhooks/${adaHook.body.id}`, { token: bob.token }),
    404,
    "not_found",
  );
  assert.deepEqual(
    (await api.request("GET", `${bobBase}/notifications`, { token: bob.token })).body.items,
    [],
  );
  assert.deepEqual(
    (await api.request("POST", `${bobBase}/notifications/read-all`, { token: bob.token })).body,
    { updated: 0 },
  );
  assert.deepEqual((await api.request("GET", `${bobBase}/webhooks`, { token: bob.token })).body.items, []);

  // Ada's things are untouched.
  const adaList = await api.request("GET", `/api/${ada.userId}/notifications`, { token: ada.token });
  assert.equal(adaList.body.unread_count, 1);
  assert.equal(
    (await api.request("GET", `/api/${ada.userId}/webhooks`, { token: ada.token })).body.items.length,
    1,
  );
});

// Found by schemathesis (npm run bench): an expirationTime no Date can hold was a 500.
test("a push subscription's expirationTime outside what a date holds is a 400, not a 500", async (t) => {
  const { api } = await buildPushApi(t);
  const ada = await api.signUp();
  const path = `/api/${ada.userId}/push-subscriptions`;
  for (const expirationTime of [-1.4987915456071726e38, -1, 253_402_300_800_000, 1e300]) {
    assertProblem(
      await api.request("POST", path, {
        token: ada.token,
        body: { ...subscription("https://push.example.net/send/x"), expirationTime },
      }),
      400,
      "validation_failed",
      "expirationTime",
    );
  }
  const inADay = Date.now() + 86_400_000;
  const saved = await api.request("POST", path, {
    token: ada.token,
    body: { ...subscription("https://push.example.net/send/x"), expirationTime: inADay },
  });
  assert.equal(saved.status, 201);
});

test("CSRF: a bodiless cookie-authenticated POST …/notifications/read-all from a foreign origin is a 403 and marks nothing", async (t) => {
  const api = await buildApi(t);
  const ada = await api.signUp("Ada");
  await api.service.handle(taskEvent("task.completed", ada.userId, { taskId: 1, title: "Unread" }));
  const signIn = await fetch(`${api.baseUrl}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: "http://localhost" },
    body: JSON.stringify({ email: ada.email, password: "correct horse battery" }),
  });
  const cookie = signIn.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const readAll = (origin: string) =>
    fetch(`${api.baseUrl}/api/${ada.userId}/notifications/read-all`, {
      method: "POST",
      headers: { cookie, origin },
    });
  const forged = await readAll("https://evil.example");
  assert.equal(forged.status, 403);
  assert.equal(((await forged.json()) as { code: string }).code, "cross_origin_request");
  const list = await api.request("GET", `/api/${ada.userId}/notifications`, { token: ada.token });
  assert.equal(list.body.items[0].read, false, "still unread");
  assert.ok((await readAll("http://localhost")).ok, "the app's own origin may");
});
