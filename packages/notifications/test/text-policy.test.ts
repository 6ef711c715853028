import assert from "node:assert/strict";
import { type TestContext, test } from "node:test";
import { assertProblem, buildApi } from "./api-helpers.ts";
import { fixedResolver, testConfig } from "./helpers.ts";

// The whole API (the backend with this service's routes), as every client reaches it.
async function setUp(t: TestContext) {
  const api = await buildApi(t, {
    config: testConfig({
      push: {
        publicKey: "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM",
        privateKey: "tBHItJI5svbpez7KI4CCXgtBHItJI5svbpez7KI4CCX",
        subject: "mailto:ops@example.com",
      },
      webhooks: { allowPrivateNetworks: false, timeoutMs: 1000 },
    }),
    resolve: fixedResolver("93.184.216.34"),
  });
  const user = await api.signUp("Ada");
  const base = `/api/${user.userId}`;
  const req = (method: string, path: string, body?: unknown) =>
    api.request(method, `${base}${path}`, { token: user.token, ...(body !== undefined ? { body } : {}) });
  return { api, user, base, req };
}

const NUL = "\u0000";

test("NUL in every writable string field and in search is a 400 naming the field, and nothing is stored", async (t) => {
  const { api, user, req } = await setUp(t);
  const task = (await req("POST", "/tasks", { title: "kept" })).body;
  const tag = (await req("POST", "/tags", { name: "kept" })).body;
  const template = {
    template_title: "t",
    recurrence_pattern: "daily",
    next_occurrence: "2027-01-01T09:00:00Z",
  };
  const tpl = (await req("POST", "/recurring-tasks", template)).body;
  const push = {
    endpoint: "https://push.example.com/send/abc",
    keys: {
      p256dh: "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM",
      auth: "tBHItJI5svbpez7KI4CCXg",
    },
  };
  const cases: [string, string, unknown, string][] = [
    ["POST", "/tasks", { title: `a${NUL}b` }, "title"],
    ["POST", "/tasks", { title: "x", description: `d${NUL}` }, "description"],
    ["PUT", `/tasks/${task.id}`, { title: `${NUL}` }, "title"],
    ["PUT", `/tasks/${task.id}`, { description: `\u0007` }, "description"],
    ["POST", "/tags", { name: `w${NUL}` }, "name"],
    ["PUT", `/tags/${tag.id}`, { name: `w${NUL}` }, "name"],
    ["POST", "/recurring-tasks", { ...template, template_title: `t${NUL}` }, "template_title"],
    ["POST", "/recurring-tasks", { ...template, template_description: NUL }, "template_description"],
    ["PUT", `/recurring-tasks/${tpl.id}`, { template_title: `t${NUL}` }, "template_title"],
    ["PUT", `/recurring-tasks/${tpl.id}`, { cron_expression: `0 9 * * *${NUL}` }, "cron_expression"],
    ["PUT", `/recurring-tasks/${tpl.id}`, { timezone: `UTC${NUL}` }, "timezone"],
    [
      "POST",
      "/webhooks",
      { url: "https://hooks.example.com/x", event_types: ["task.completed"], description: `d${NUL}` },
      "description",
    ],
    [
      "POST",
      "/webhooks",
      { url: `https://hooks.example.com/x${NUL}`, event_types: ["task.completed"] },
      "url",
    ],
    ["POST", "/push-subscriptions", { ...push, endpoint: `${push.endpoint}${NUL}` }, "endpoint"],
    ["POST", "/push-subscriptions", { ...push, keys: { ...push.keys, p256dh: `k${NUL}` } }, "keys.p256dh"],
    ["POST", "/push-subscriptions", { ...push, keys: { ...push.keys, auth: `k${NUL}` } }, "keys.auth"],
  ];
  for (const [method, path, body, field] of cases) {
    const reply = await req(method, path, body);
    assertProblem(reply, 400, "validation_failed", field);
    assert.match(JSON.stringify(reply.body.errors), /control characters \(U\+00/, `${method} ${path}`);
  }
  const search = await req("GET", `/tasks?search=${encodeURIComponent(`milk${NUL}`)}`);
  assertProblem(search, 400, "validation_failed", "search");

  const signUp = await api.request("POST", "/api/auth/sign-up/email", {
    body: { email: "nul@example.com", password: "correct horse battery", name: `Bo${NUL}` },
  });
  assertProblem(signUp, 400, "validation_failed", "name");
  const rename = await api.request("POST", "/api/auth/update-user", {
    token: user.token,
    body: { name: `Ada${NUL}` },
  });
  assertProblem(rename, 400, "validation_failed", "name");

  // Nothing changed.
  assert.equal((await req("GET", `/tasks/${task.id}`)).body.title, "kept");
  assert.deepEqual(
    (await req("GET", "/tags")).body.items.map((g: { name: string }) => g.name),
    ["kept"],
  );
  assert.equal((await req("GET", "/tasks")).body.items.length, 1);
  assert.equal((await req("GET", "/webhooks")).body.items.length, 0);
});

test("titles and names of only white space and invisible characters are refused; text is stored as NFC", async (t) => {
  const { req } = await setUp(t);
  for (const [path, field] of [
    ["/tasks", "title"],
    ["/tags", "name"],
  ] as const) {
    assertProblem(
      await req("POST", path, { [field]: "\u200b \u00a0\u2060" }),
      400,
      "validation_failed",
      field,
    );
  }
  const decomposed = await req("POST", "/tasks", {
    title: " Cafe\u0301\u200b",
    description: "line 1\n\tline 2",
  });
  assert.equal(decomposed.status, 201);
  assert.equal(decomposed.body.title, "Café");
  assert.equal(decomposed.body.description, "line 1\n\tline 2");
});

test("tag names are unique ignoring case and normalization, on create and on rename", async (t) => {
  const { req } = await setUp(t);
  assert.equal((await req("POST", "/tags", { name: "Work" })).status, 201);
  assertProblem(await req("POST", "/tags", { name: "work" }), 409, "tag_name_taken", "name");
  assertProblem(await req("POST", "/tags", { name: " WORK " }), 409, "tag_name_taken", "name");
  assert.equal((await req("POST", "/tags", { name: "Café" })).status, 201);
  assertProblem(await req("POST", "/tags", { name: "CAFE\u0301" }), 409, "tag_name_taken", "name");
  const home = (await req("POST", "/tags", { name: "home" })).body;
  assertProblem(await req("PUT", `/tags/${home.id}`, { name: "wORK" }), 409, "tag_name_taken", "name");
  // Changing only the case of its own name is a rename, not a clash.
  const renamed = await req("PUT", `/tags/${home.id}`, { name: "Home" });
  assert.equal(renamed.status, 200);
  assert.equal(renamed.body.name, "Home");
});

test("a preview whose occurrences pass the year 9999 stops there instead of failing", async (t) => {
  const { req } = await setUp(t);
  const tpl = await req("POST", "/recurring-tasks", {
    template_title: "far",
    recurrence_pattern: "yearly",
    interval: 1000,
    next_occurrence: "9000-01-01T00:00:00Z",
  });
  assert.equal(tpl.status, 201);
  const preview = await req("GET", `/recurring-tasks/${tpl.body.id}/preview?count=5`);
  assert.equal(preview.status, 200);
  assert.deepEqual(preview.body.occurrences, ["9000-01-01T00:00:00.000Z"]);
});
