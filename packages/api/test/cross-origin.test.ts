import assert from "node:assert/strict";
import { test } from "node:test";
import { build } from "./helpers.ts";

test("CSRF: a cookie-authenticated unsafe request from a foreign origin is a 403; same origin, Fetch Metadata same-origin and bearer requests pass", async (t) => {
  const api = await build(t);
  const ada = await api.signUp("Ada");
  const signIn = await fetch(`${api.baseUrl}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: "http://localhost" },
    body: JSON.stringify({ email: ada.email, password: "correct horse battery" }),
  });
  assert.equal(signIn.status, 200);
  const cookie = signIn.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  assert.match(cookie, /session_token=/);

  const send = (method: string, path: string, headers: Record<string, string>, body?: unknown) =>
    fetch(`${api.baseUrl}/api/${ada.userId}${path}`, {
      method,
      headers: { ...headers, ...(body ? { "content-type": "application/json" } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });

  const foreign: Record<string, string>[] = [
    { cookie, origin: "https://evil.example" },
    { cookie, origin: "null" },
    { cookie, origin: "http://localhost.evil.example" },
    { cookie, "sec-fetch-site": "cross-site" },
    { cookie, "sec-fetch-site": "same-site" },
  ];
  for (const headers of foreign) {
    const reply = await send("POST", "/tags", headers, { name: "forged" });
    assert.equal(reply.status, 403, JSON.stringify(headers));
    assert.equal(reply.headers.get("content-type"), "application/problem+json; charset=utf-8");
    assert.equal(((await reply.json()) as { code: string }).code, "cross_origin_request");
  }
  // Bodiless unsafe requests too (the kind of a forged form or fetch without a body).
  const tag = await api.request("POST", `/api/${ada.userId}/tags`, {
    token: ada.token,
    body: { name: "home" },
  });
  assert.equal(
    (await send("DELETE", `/tags/${tag.body.id}`, { cookie, origin: "https://evil.example" })).status,
    403,
  );
  assert.equal(
    (await api.request("GET", `/api/${ada.userId}/tags`, { token: ada.token })).body.items.length,
    1,
  );

  // The same user's own pages, and reads from anywhere, pass.
  assert.equal(
    (await send("POST", "/tags", { cookie, origin: "http://localhost" }, { name: "a" })).status,
    201,
  );
  assert.equal(
    (await send("POST", "/tags", { cookie, "sec-fetch-site": "same-origin" }, { name: "b" })).status,
    201,
  );
  assert.equal((await send("GET", "/tags", { cookie, origin: "https://evil.example" })).status, 200);
  // Bearer clients are unaffected: a page cannot make a browser attach a bearer token.
  const bearer = { authorization: `Bearer ${ada.token}`, origin: "https://evil.example" };
  assert.equal((await send("POST", "/tags", bearer, { name: "c" })).status, 201);
});
