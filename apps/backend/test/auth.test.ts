import assert from "node:assert/strict";
import { test } from "node:test";
import { sql } from "kysely";
import { assertProblem, build } from "./helpers.ts";

test("sign-up answers with a bearer token that works on /api routes", async (t) => {
  const api = await build(t);
  const reply = await api.request("POST", "/api/auth/sign-up/email", {
    body: { email: "ada@example.com", password: "correct horse battery", name: "Ada" },
  });
  assert.equal(reply.status, 200);
  assert.match(reply.body.user.id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.equal(typeof reply.body.token, "string");
  const tasks = await api.request("GET", `/api/${reply.body.user.id}/tasks`, { token: reply.body.token });
  assert.equal(tasks.status, 200);
  assert.deepEqual(tasks.body.items, []);
});

test("sign-in with the right password gives a new token; a wrong one is a 401 problem", async (t) => {
  const api = await build(t);
  const { email, userId } = await api.signUp();
  const ok = await api.request("POST", "/api/auth/sign-in/email", {
    body: { email, password: "correct horse battery" },
  });
  assert.equal(ok.status, 200);
  assert.equal(ok.body.user.id, userId);
  const me = await api.request("GET", `/api/${userId}/tags`, { token: ok.body.token });
  assert.equal(me.status, 200);

  const wrong = await api.request("POST", "/api/auth/sign-in/email", {
    body: { email, password: "nope-nope-nope" },
  });
  assertProblem(wrong, 401, "invalid_email_or_password");
});

test("the password is stored hashed, never in clear", async (t) => {
  const api = await build(t);
  const { userId } = await api.signUp();
  const { rows } = await sql<{
    password: string;
  }>`SELECT password FROM accounts WHERE user_id = ${userId}`.execute(api.db);
  const account = rows[0]!;
  assert.ok(account.password && !account.password.includes("correct horse battery"));
});

test("a second account with the same email is refused", async (t) => {
  const api = await build(t);
  const { email } = await api.signUp();
  const again = await api.request("POST", "/api/auth/sign-up/email", {
    body: { email, password: "another password", name: "Twin" },
  });
  assert.ok(again.status === 422 || again.status === 400, `status ${again.status}`);
  assert.equal(again.body.code, "user_already_exists_use_another_email");
});

test("bad sign-up input is a 400 problem naming the fields", async (t) => {
  const api = await build(t);
  const reply = await api.request("POST", "/api/auth/sign-up/email", {
    body: { email: "not-an-email", password: "short", name: "" },
  });
  assertProblem(reply, 400, "validation_failed");
  const fields = reply.body.errors.map((e: { field: string }) => e.field).sort();
  assert.deepEqual(fields, ["email", "name", "password"]);
});

test("sign-in is rate limited per client", async (t) => {
  const api = await build(t, { signInLimitPerMinute: 3 });
  const { email } = await api.signUp();
  const statuses: number[] = [];
  for (let i = 0; i < 5; i++) {
    const reply = await api.request("POST", "/api/auth/sign-in/email", {
      body: { email, password: "wrong-password" },
    });
    statuses.push(reply.status);
    if (reply.status === 429) assertProblem(reply, 429, "rate_limited");
  }
  assert.deepEqual(statuses, [401, 401, 401, 429, 429]);
});

test("no token, a malformed token or a forged token is a 401 problem", async (t) => {
  const api = await build(t);
  const { userId } = await api.signUp();
  assertProblem(await api.request("GET", `/api/${userId}/tasks`), 401, "unauthorized");
  assertProblem(await api.request("GET", `/api/${userId}/tasks`, { token: "garbage" }), 401, "unauthorized");
  assertProblem(
    await api.request("GET", `/api/${userId}/tasks`, { token: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" }),
    401,
    "unauthorized",
  );
});

test("a browser sign-in from a foreign origin is refused; from the app's own origin it works", async (t) => {
  const api = await build(t);
  const { email } = await api.signUp();
  const signIn = (origin: string) =>
    fetch(`${api.baseUrl}/api/auth/sign-in/email`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        origin,
        "sec-fetch-site": "cross-site",
        "sec-fetch-mode": "cors",
      },
      body: JSON.stringify({ email, password: "correct horse battery" }),
    });
  assert.equal((await signIn("http://localhost")).status, 200);
  const foreign = await signIn("https://evil.example");
  assert.equal(foreign.status, 403);
  assert.equal(((await foreign.json()) as { code: string }).code, "invalid_origin");
});
