import assert from "node:assert/strict";
import { test } from "node:test";
import { sql } from "kysely";
import { AccountThrottle } from "../src/plugins/account-rules.ts";
import { assertProblem, build } from "./helpers.ts";

const PASSWORD = "correct horse battery";

function assertField(
  reply: { status: number; body: { code?: string; errors?: { field: string }[] } },
  field: string,
) {
  assertProblem(reply as never, 400, "validation_failed");
  assert.ok(
    reply.body.errors?.some((e) => e.field === field),
    `an error naming ${field}: ${JSON.stringify(reply.body)}`,
  );
}

test("passwords: NUL and control characters are refused at sign-up, sign-in and change; common passwords are refused", async (t) => {
  const api = await build(t);
  const signUp = (password: string, email = "ada@example.com") =>
    api.request("POST", "/api/auth/sign-up/email", { body: { email, password, name: "Ada" } });
  for (const bad of [
    "abcdefgh\u0000\u0000",
    "abc\u0000defghij",
    "tab\there-is-long",
    "bell\u0007-long-enough",
    "del\u007f-long-enough",
  ]) {
    assertField(await signUp(bad), "password");
  }
  for (const common of ["password123", "Password123", "qwertyuiop", "iloveyou1", "1qaz2wsx"]) {
    assertField(await signUp(common), "password");
  }
  assert.equal((await signUp(PASSWORD)).status, 200);

  // "abc…" + NULs must not pass for "abc…" (bcrypt/scrypt stop or differ at NUL).
  const withNul = await api.request("POST", "/api/auth/sign-in/email", {
    body: { email: "ada@example.com", password: `${PASSWORD}\u0000\u0000` },
  });
  assertField(withNul, "password");
  const token = (
    await api.request("POST", "/api/auth/sign-in/email", {
      body: { email: "ada@example.com", password: PASSWORD },
    })
  ).body.token as string;
  const change = (newPassword: string) =>
    api.request("POST", "/api/auth/change-password", {
      token,
      body: { currentPassword: PASSWORD, newPassword },
    });
  assertField(await change("letmein123"), "newPassword");
  assertField(await change("a new phrase\u0000"), "newPassword");
});

test("sign-in is throttled per account across addresses, with the same answers for known and unknown e-mails", async (t) => {
  const api = await build(t, { signInLimitPerMinute: 3, trustProxy: true });
  await api.request("POST", "/api/auth/sign-up/email", {
    body: { email: "ada@example.com", password: PASSWORD, name: "Ada" },
  });
  const guesses = async (email: string, first: number) => {
    const answers: string[] = [];
    for (let i = 0; i < 6; i++) {
      // Each guess from another address: the per-address limit alone would let every one through.
      const reply = await api.request("POST", "/api/auth/sign-in/email", {
        body: { email, password: `wrong guess ${i}` },
        headers: { "x-forwarded-for": `203.0.113.${first + i}` },
      });
      answers.push(`${reply.status} ${reply.body.code} ${reply.body.detail ?? reply.body.message}`);
      if (reply.status === 429) assert.equal(reply.headers.get("retry-after"), "60");
    }
    return answers;
  };
  const known = await guesses("ada@example.com", 1);
  const unknown = await guesses("nobody@example.com", 101);
  assert.deepEqual(
    known.map((a) => a.split(" ")[0]),
    ["401", "401", "401", "429", "429", "429"],
  );
  assert.deepEqual(unknown, known, "an unknown e-mail is answered exactly as a known one");
  // The right password from a fresh address is throttled too while the window lasts.
  const right = await api.request("POST", "/api/auth/sign-in/email", {
    body: { email: "ada@example.com", password: PASSWORD },
    headers: { "x-forwarded-for": "198.51.100.7" },
  });
  assert.equal(right.status, 429);
});

test("changing the password revokes the other sessions by default; the session list carries no tokens", async (t) => {
  const api = await build(t);
  const ada = await api.signUp("Ada");
  const other = (
    await api.request("POST", "/api/auth/sign-in/email", { body: { email: ada.email, password: PASSWORD } })
  ).body.token as string;
  const list = await api.request("GET", "/api/auth/list-sessions", { token: ada.token });
  assert.equal(list.status, 200);
  assert.equal(list.body.length, 2);
  const text = JSON.stringify(list.body);
  assert.ok(!text.includes(ada.token) && !text.includes(other), "no session token in the list");
  assert.ok(list.body.every((s: Record<string, unknown>) => !("token" in s) && typeof s.id === "string"));
  const session = await api.request("GET", "/api/auth/get-session", { token: ada.token });
  assert.ok(!JSON.stringify(session.body).includes(ada.token), "nor in get-session");

  const changed = await api.request("POST", "/api/auth/change-password", {
    token: ada.token,
    body: { currentPassword: PASSWORD, newPassword: "a much newer phrase" },
  });
  assert.equal(changed.status, 200, JSON.stringify(changed.body));
  assert.equal((await api.request("GET", `/api/${ada.userId}/tags`, { token: other })).status, 401);
  const newToken = changed.body.token as string;
  assert.equal(typeof newToken, "string", "the caller gets a new token");
  assert.equal((await api.request("GET", `/api/${ada.userId}/tags`, { token: newToken })).status, 200);
});

test("update-user goes through our name and image rules", async (t) => {
  const api = await build(t);
  const ada = await api.signUp("Ada");
  const update = (body: unknown) => api.request("POST", "/api/auth/update-user", { token: ada.token, body });
  assertField(await update({ name: "" }), "name");
  assertField(await update({ name: "   " }), "name");
  assertField(await update({ name: "\u200b\u200b" }), "name");
  assertField(await update({ name: "x".repeat(100_000) }), "name");
  assertField(await update({ name: "Ada\u0000" }), "name");
  assertField(await update({ image: "javascript:alert(1)" }), "image");
  assertField(await update({ image: "data:text/html,<script>alert(1)</script>" }), "image");
  assert.equal((await update({ name: "  Ame\u0301lie  ", image: "https://example.com/a.png" })).status, 200);
  const { rows } = await sql<{
    name: string;
    image: string;
  }>`SELECT name, image FROM users WHERE id = ${ada.userId}`.execute(api.db);
  assert.deepEqual(rows[0], { name: "Am\u00e9lie", image: "https://example.com/a.png" });
});

test("account deletion needs the password, removes everything the user owned and emits user.deleted", async (t) => {
  const api = await build(t);
  const ada = await api.signUp("Ada");
  const bob = await api.signUp("Bob");
  const as = (who: typeof ada, method: string, path: string, body?: unknown) =>
    api.request(method, `/api/${who.userId}${path}`, { token: who.token, ...(body ? { body } : {}) });
  for (const who of [ada, bob]) {
    const tag = await as(who, "POST", "/tags", { name: "home" });
    await as(who, "POST", "/tasks", { title: "Mine", tag_ids: [tag.body.id] });
    await as(who, "POST", "/recurring-tasks", {
      template_title: "Daily",
      recurrence_pattern: "daily",
      next_occurrence: "2030-01-01T09:00:00Z",
    });
  }
  assertField(await api.request("POST", "/api/auth/delete-user", { token: ada.token }), "password");
  assertField(await api.request("POST", "/api/auth/delete-user", { token: ada.token, body: {} }), "password");
  const wrong = await api.request("POST", "/api/auth/delete-user", {
    token: ada.token,
    body: { password: "not my password" },
  });
  assert.ok(wrong.status >= 400 && wrong.status < 500, `wrong password: ${wrong.status}`);

  const deleted = await api.request("POST", "/api/auth/delete-user", {
    token: ada.token,
    body: { password: PASSWORD },
  });
  assert.equal(deleted.status, 200, JSON.stringify(deleted.body));
  const count = async (table: string, userId: string) =>
    Number(
      (
        await sql<{
          n: number;
        }>`SELECT count(*)::int AS n FROM ${sql.table(table)} WHERE user_id = ${userId}`.execute(api.db)
      ).rows[0]!.n,
    );
  for (const table of [
    "tasks",
    "tags",
    "recurring_tasks",
    "sessions",
    "accounts",
    "notifications",
    "webhooks",
    "push_subscriptions",
    "notification_preferences",
  ]) {
    assert.equal(await count(table, ada.userId), 0, `${table} of the deleted user`);
  }
  assert.equal(await count("tasks", bob.userId), 1, "the other user keeps theirs");
  const events = await sql<{ event_type: string }>`
    SELECT event_type FROM outbox WHERE partition_key = ${ada.userId} ORDER BY id DESC LIMIT 1`.execute(
    api.db,
  );
  assert.equal(events.rows[0]?.event_type, "user.deleted");
  assert.equal((await as(ada, "GET", "/tags")).status, 401);
});

test("the per-account throttle counts every window: an hourly cap holds when the minute's does not", async (t) => {
  const api = await build(t);
  const throttle = new AccountThrottle(api.db, [
    { seconds: 60, max: 10 },
    { seconds: 3600, max: 2 },
  ]);
  const waits = [];
  for (let i = 0; i < 4; i++) waits.push(await throttle.hit(i % 2 ? "Ada@Example.com " : "ada@example.com"));
  assert.deepEqual(waits, [0, 0, 3600, 3600], "one account however the address is written");
  assert.equal(await throttle.hit("bob@example.com"), 0, "another account is not affected");
});

test("one session is signed out by its id from the list; another user's session id is a 404", async (t) => {
  const api = await build(t);
  const ada = await api.signUp("Ada");
  const bob = await api.signUp("Bob");
  const phone = (
    await api.request("POST", "/api/auth/sign-in/email", { body: { email: ada.email, password: PASSWORD } })
  ).body.token as string;
  const list = await api.request("GET", "/api/auth/list-sessions", { token: ada.token });
  const bobList = await api.request("GET", "/api/auth/list-sessions", { token: bob.token });
  const current = (await api.request("GET", "/api/auth/get-session", { token: ada.token })).body.session.id;
  const other = list.body.find((s: { id: string }) => s.id !== current).id as string;

  const foreign = await api.request("DELETE", `/api/${ada.userId}/sessions/${bobList.body[0].id}`, {
    token: ada.token,
  });
  assertProblem(foreign, 404, "not_found");
  assert.equal((await api.request("GET", `/api/${bob.userId}/tags`, { token: bob.token })).status, 200);

  assert.equal(
    (await api.request("DELETE", `/api/${ada.userId}/sessions/${other}`, { token: ada.token })).status,
    204,
  );
  assert.equal(
    (await api.request("GET", `/api/${ada.userId}/tags`, { token: phone })).status,
    401,
    "the phone is out",
  );
  assert.equal((await api.request("GET", `/api/${ada.userId}/tags`, { token: ada.token })).status, 200);
  assertProblem(
    await api.request("DELETE", `/api/${ada.userId}/sessions/not-a-uuid`, { token: ada.token }),
    400,
    "validation_failed",
  );
});
