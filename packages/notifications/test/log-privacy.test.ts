import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { test } from "node:test";
import { sql } from "kysely";
import { buildPushApi } from "./api-helpers.ts";

/** Every line the backend logs, at the most verbose level, kept in memory. */
function captureLog() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: { level: "trace", stream } };
}

test("failing writers (webhook, push subscription, sign-up, sign-in) log no secret, key, token, e-mail or password", async (t) => {
  const log = captureLog();
  const { api } = await buildPushApi(t, { logger: log.logger });
  // Each writer is made to fail inside the database (a CHECK constraint no row passes), which is
  // where the statement's parameters (secrets, keys, e-mail addresses) used to reach the log.
  const failing = (table: string) =>
    sql`ALTER TABLE ${sql.table(table)} ADD CONSTRAINT fails_for_test CHECK (false) NOT VALID`.execute(
      api.db,
    );

  const password = "correct horse battery";
  const ada = await api.signUp("Ada");
  const adaEmail = ada.email;
  const secrets: string[] = [password, adaEmail, ada.token];

  // Sign-in: the session insert fails.
  await failing("sessions");
  const signIn = await api.request("POST", "/api/auth/sign-in/email", {
    body: { email: adaEmail, password },
  });
  assert.ok(signIn.status >= 400, `sign-in failed: ${signIn.status}`);

  // Sign-up: the user insert fails.
  await failing("users");
  const bobEmail = "bob.private@example.org";
  const bobPassword = "a different secret phrase";
  secrets.push(bobEmail, bobPassword);
  const signUp = await api.request("POST", "/api/auth/sign-up/email", {
    body: { email: bobEmail, password: bobPassword, name: "Bob" },
  });
  assert.ok(signUp.status >= 400, `sign-up failed: ${signUp.status}`);

  // A webhook: its server-made secret is in the failed insert.
  await failing("webhooks");
  const hook = await api.request("POST", `/api/${ada.userId}/webhooks`, {
    token: ada.token,
    body: { url: "https://hooks.example.com/todo?key=hook-query-secret", event_types: ["task.completed"] },
  });
  assert.equal(hook.status, 500);
  secrets.push("whsec_", "hook-query-secret");

  // A push subscription: the browser's keys are in the failed insert.
  await failing("push_subscriptions");
  const keys = {
    p256dh: "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM",
    auth: "tBHItJI5svbpez7KI4CCXg",
  };
  const push = await api.request("POST", `/api/${ada.userId}/push-subscriptions`, {
    token: ada.token,
    body: { endpoint: "https://push.example.net/send/endpoint-secret-id", expirationTime: null, keys },
  });
  assert.equal(push.status, 500);
  secrets.push(keys.p256dh, keys.auth, "endpoint-secret-id");

  // Search terms in a URL.
  await api.request("GET", `/api/${ada.userId}/tasks?search=my-diagnosis`, { token: ada.token });
  secrets.push("my-diagnosis");

  const output = log.lines.join("");
  // The failures were logged, with what helps: the SQLSTATE (23514, check_violation) and the table.
  assert.match(output, /"code":"23514"/);
  // (PGlite's errors also carry the statement, logged as its verb and table: "insert webhooks".)
  assert.match(output, /"table":"webhooks"/);
  assert.match(output, /"table":"push_subscriptions"/);
  for (const secret of secrets) {
    assert.ok(!output.includes(secret), `the log contains ${JSON.stringify(secret)}`);
  }
  for (const line of log.lines) {
    assert.doesNotThrow(() => JSON.parse(line), `a log line is JSON: ${line.slice(0, 120)}`);
    assert.ok(!line.includes("\u001b["), "no terminal colours in the log");
  }
});
