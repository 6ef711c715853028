import assert from "node:assert/strict";
import { test } from "node:test";
import { startSmtpServer } from "../../notifications/test/helpers.ts";
import { verificationMailer } from "../src/verification-mail.ts";
import { build } from "./helpers.ts";

const PASSWORD = "correct horse battery";

test("with e-mail verification on: the link goes out over SMTP, sign-in waits for it, and sign-up does not reveal existing accounts", async (t) => {
  const smtp = await startSmtpServer(t);
  const send = verificationMailer(true, { smtpUrl: smtp.url, from: "Todo <no-reply@example.com>" })!;
  const lines: string[] = [];
  const api = await build(t, {
    sendVerificationMail: send,
    logger: { level: "info", stream: { write: (line: string) => void lines.push(line) } },
  });
  const signUp = (email: string, name: string) =>
    api.request("POST", "/api/auth/sign-up/email", { body: { email, password: PASSWORD, name } });

  const first = await signUp("ada@example.com", "Ada");
  assert.equal(first.status, 200);
  assert.equal(first.body.token, null, "no session before the address is verified");
  const again = await signUp("ada@example.com", "Mallory");
  assert.equal(again.status, 200, "an existing address is answered like a new one");
  assert.equal(again.body.token, null);
  assert.deepEqual(Object.keys(again.body.user).sort(), Object.keys(first.body.user).sort());
  assert.notEqual(again.body.user.id, first.body.user.id, "and reveals nothing of the real account");
  const notice = lines.find((line) => line.includes("Sign-up attempt for existing email"));
  assert.ok(notice, "Better Auth's notice reaches our log");
  assert.ok(!notice.includes("ada@example.com"), `no address in the log: ${notice}`);

  const blocked = await api.request("POST", "/api/auth/sign-in/email", {
    body: { email: "ada@example.com", password: PASSWORD },
  });
  assert.equal(blocked.status, 403);
  assert.equal(blocked.body.code, "email_not_verified");

  // One mail, for the real sign-up; the link verifies the address.
  const deadline = Date.now() + 20_000;
  while (smtp.mails.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.equal(smtp.mails.length, 1, "one verification mail");
  const [mail] = smtp.mails;
  assert.deepEqual(mail!.to, ["ada@example.com"]);
  const link = new URL(/(http\S+verify-email\S+)/.exec(mail!.text)![1]!);
  const verified = await fetch(`${api.baseUrl}${link.pathname}${link.search}`, { redirect: "manual" });
  assert.ok(verified.status < 400, `verify-email answered ${verified.status}`);

  const signIn = await api.request("POST", "/api/auth/sign-in/email", {
    body: { email: "ada@example.com", password: PASSWORD },
  });
  assert.equal(signIn.status, 200);
  assert.equal(typeof signIn.body.token, "string");
});

test("e-mail verification on without SMTP_URL stops start-up naming the variables; off needs nothing", () => {
  assert.throws(() => verificationMailer(true, null), /AUTH_REQUIRE_EMAIL_VERIFICATION: needs SMTP_URL/);
  assert.equal(verificationMailer(false, null), undefined);
});
