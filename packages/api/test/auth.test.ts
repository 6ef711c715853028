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
  assertProblem(wrong, 401, "invalid_credentials");
  assert.equal(wrong.body.title, "Unauthorized");
  assert.equal(wrong.body.detail, "Wrong e-mail address or password.");
});

for (const hasher of ["the tests' cheap hash", "Better Auth's own scrypt hash (what the services use)"]) {
  test(`the password is stored hashed, never in clear, and only the right one signs in: ${hasher}`, async (t) => {
    const betterAuthPasswordHash = hasher.startsWith("Better Auth");
    const api = await build(t, { betterAuthPasswordHash });
    const { userId, email } = await api.signUp();
    const { rows } = await sql<{
      password: string;
    }>`SELECT password FROM accounts WHERE user_id = ${userId}`.execute(api.db);
    const account = rows[0]!;
    assert.ok(account.password && !account.password.includes("correct horse battery"));
    // Better Auth's scrypt: a 16-byte salt and a 64-byte key, in hex; the tests' is marked as such.
    if (betterAuthPasswordHash) assert.match(account.password, /^[0-9a-f]{32}:[0-9a-f]{128}$/);
    else assert.match(account.password, /^test-scrypt:[0-9a-f]{32}:[0-9a-f]{64}$/);

    const right = await api.request("POST", "/api/auth/sign-in/email", {
      body: { email, password: "correct horse battery" },
    });
    assert.equal(right.status, 200);
    assert.equal(right.body.user.id, userId);
    const wrong = await api.request("POST", "/api/auth/sign-in/email", {
      body: { email, password: "correct horse batterz" },
    });
    assertProblem(wrong, 401, "invalid_credentials");
  });
}

test("a second account with the same email is refused", async (t) => {
  const api = await build(t);
  const { email } = await api.signUp();
  const again = await api.request("POST", "/api/auth/sign-up/email", {
    body: { email, password: "another password", name: "Twin" },
  });
  // The same problem+json as the rest of the API (a duplicate is a 409, as for tag names).
  assertProblem(again, 409, "email_taken");
  assert.equal(again.body.title, "Conflict");
  assert.equal(again.body.type, "about:blank#email_taken");
  assert.deepEqual(again.body.errors, [
    { field: "email", message: "An account with this e-mail address already exists; sign in instead." },
  ]);
});

test("bad sign-up input is a 400 problem naming the fields", async (t) => {
  const api = await build(t);
  const reply = await api.request("POST", "/api/auth/sign-up/email", {
    body: { email: "not-an-email", password: "short", name: "" },
  });
  assertProblem(reply, 400, "validation_failed");
  const byField = Object.fromEntries(
    reply.body.errors.map((e: { field: string; message: string }) => [e.field, e.message]),
  );
  // Sentences from the contracts' error map, not zod's "Too small: expected string to have >=1 characters".
  assert.deepEqual(byField, {
    email: "Must be an e-mail address, like ada@example.com.",
    name: "Must not be empty.",
    password: "Must be at least 8 characters.",
  });
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
    if (reply.status === 429) {
      assertProblem(reply, 429, "rate_limited");
      // Seconds to wait, as HTTP clients read it (RFC 9110 §10.2.3).
      assert.match(reply.headers.get("retry-after") ?? "", /^\d+$/);
    }
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

// The backend looks an unsigned bearer token up itself (one query) and must keep Better Auth's rules.
test("a bearer session is revoked at once by sign-out or deletion, expires on time, and is refreshed when due", async (t) => {
  const api = await build(t);
  const tasks = (user: { userId: string; token: string }) =>
    api.request("GET", `/api/${user.userId}/tasks`, { token: user.token });
  const expiresAt = async (token: string) =>
    (await sql<{ expires_at: Date }>`SELECT expires_at FROM sessions WHERE token = ${token}`.execute(api.db))
      .rows[0]?.expires_at;

  const signedOut = await api.signUp();
  assert.equal((await tasks(signedOut)).status, 200);
  const out = await api.request("POST", "/api/auth/sign-out", { token: signedOut.token, body: {} });
  assert.equal(out.status, 200);
  assertProblem(await tasks(signedOut), 401, "unauthorized");

  const deleted = await api.signUp();
  assert.equal((await tasks(deleted)).status, 200);
  await sql`DELETE FROM sessions WHERE token = ${deleted.token}`.execute(api.db);
  assertProblem(await tasks(deleted), 401, "unauthorized");

  const expired = await api.signUp();
  await sql`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE token = ${expired.token}`.execute(
    api.db,
  );
  assertProblem(await tasks(expired), 401, "unauthorized");

  // Within updateAge (1 day) of its 7-day lifetime's start: used as is, not written.
  const fresh = await api.signUp();
  const before = await expiresAt(fresh.token);
  assert.equal((await tasks(fresh)).status, 200);
  assert.deepEqual(await expiresAt(fresh.token), before);

  // Older than a day: Better Auth extends it to 7 days from now.
  const due = await api.signUp();
  await sql`UPDATE sessions SET expires_at = now() + interval '5 days' WHERE token = ${due.token}`.execute(
    api.db,
  );
  assert.equal((await tasks(due)).status, 200);
  const extended = await expiresAt(due.token);
  assert.ok(extended!.getTime() > Date.now() + 6.9 * 86_400_000, `extended to ${extended?.toISOString()}`);
});
