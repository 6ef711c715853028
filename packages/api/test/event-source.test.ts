import assert from "node:assert/strict";
import { test } from "node:test";
import { build, type TestApi } from "./helpers.ts";
import { call, connectMcp } from "./mcp-client.ts";

/** The session cookie the web app holds after signing in (same origin, as the page sends it). */
async function signInCookie(api: TestApi, email: string): Promise<{ cookie: string; signedToken: string }> {
  const reply = await fetch(`${api.baseUrl}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: "http://localhost" },
    body: JSON.stringify({ email, password: "correct horse battery" }),
  });
  assert.equal(reply.status, 200);
  const cookie = reply.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const signed = /session_token=([^;]+)/.exec(cookie);
  assert.ok(signed, cookie);
  return { cookie, signedToken: signed[1]! };
}

/** The source of the task.created event written for the task titled `title`. */
async function sourceOf(api: TestApi, title: string): Promise<string> {
  const rows = await api.db
    .selectFrom("outbox")
    .select("payload")
    .where("event_type", "=", "task.created")
    .execute();
  const payloads = rows.map((r) => (typeof r.payload === "string" ? JSON.parse(r.payload) : r.payload));
  const match = payloads.filter((p) => p.data.task.title === title);
  assert.equal(match.length, 1, `one task.created for ${title}`);
  return match[0].source;
}

test("each way in names the events' source: the web app's cookie backend, a bearer token (plain or signed) api, MCP mcp", async (t) => {
  const api = await build(t);
  const ada = await api.signUp("Ada");
  const tasks = `${api.baseUrl}/api/${ada.userId}/tasks`;
  const create = (title: string, headers: Record<string, string>) =>
    fetch(tasks, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify({ title }),
    });

  const { cookie, signedToken } = await signInCookie(api, ada.email);
  assert.equal((await create("from the web app", { cookie, origin: "http://localhost" })).status, 201);
  assert.equal((await create("from a script", { authorization: `Bearer ${ada.token}` })).status, 201);
  // The signed form (as the cookie holds it) goes through Better Auth rather than the fast path.
  assert.equal(
    (await create("from a script, signed", { authorization: `Bearer ${decodeURIComponent(signedToken)}` }))
      .status,
    201,
  );
  // A bearer token beside the cookie is the session Better Auth reads (its bearer plugin
  // replaces the cookie with it): the client is the API's.
  assert.equal(
    (await create("both", { cookie, origin: "http://localhost", authorization: `Bearer ${ada.token}` }))
      .status,
    201,
  );
  // A bearer token Better Auth cannot read leaves the cookie's session: the web app's.
  assert.equal(
    (await create("cookie, junk bearer", { cookie, origin: "http://localhost", authorization: "Bearer x.y" }))
      .status,
    201,
  );
  const client = await connectMcp(api.baseUrl, ada.token);
  t.after(() => client.close());
  assert.equal((await call(client, "create_task", { title: "from an assistant" })).isError, false);

  assert.equal(await sourceOf(api, "from the web app"), "backend");
  assert.equal(await sourceOf(api, "from a script"), "api");
  assert.equal(await sourceOf(api, "from a script, signed"), "api");
  assert.equal(await sourceOf(api, "both"), "api");
  assert.equal(await sourceOf(api, "cookie, junk bearer"), "backend");
  assert.equal(await sourceOf(api, "from an assistant"), "mcp");
});
