import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { test } from "node:test";
import { getMigrations } from "better-auth/db/migration";
import { build, type TestApi } from "./helpers.ts";
import { call, connectMcp } from "./mcp-client.ts";
import { openStream } from "./sse-client.ts";

// The test backend's PUBLIC_URL is http://localhost; requests go to its loopback port.
const RESOURCE = "http://localhost/mcp";
const REDIRECT_URI = "http://127.0.0.1:9/callback";

/** A public client registered the RFC 7591 way, as an MCP client without a metadata document does. */
async function registerClient(api: TestApi) {
  const reply = await api.request("POST", "/api/auth/oauth2/register", {
    body: {
      client_name: "Test assistant",
      redirect_uris: [REDIRECT_URI],
      application_type: "native",
      token_endpoint_auth_method: "none",
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
    },
  });
  assert.equal(reply.status, 201, JSON.stringify(reply.body));
  return reply.body.client_id as string;
}

/**
 * The authorization code flow with PKCE (S256) for a signed-in user: authorize (the user's session
 * as a bearer token, as the web app's cookie would be), the consent the consent page would post,
 * then the token request as a form. Answers the token endpoint's status and body.
 */
async function authorize(
  api: TestApi,
  options: { clientId: string; sessionToken: string; scope: string; resource?: string },
) {
  const verifier = randomBytes(32).toString("base64url");
  const query = new URLSearchParams({
    response_type: "code",
    client_id: options.clientId,
    redirect_uri: REDIRECT_URI,
    scope: options.scope,
    state: "state-1",
    code_challenge: createHash("sha256").update(verifier).digest("base64url"),
    code_challenge_method: "S256",
    ...(options.resource ? { resource: options.resource } : {}),
  });
  const session = { authorization: `Bearer ${options.sessionToken}` };
  const start = await fetch(`${api.baseUrl}/api/auth/oauth2/authorize?${query}`, {
    headers: session,
    redirect: "manual",
  });
  assert.equal(start.status, 302);
  const next = new URL(start.headers.get("location")!, "http://localhost");
  // The first time, the user is asked (the web app's consent page posts the answer); a consent
  // already given for these scopes is remembered.
  const askedConsent = next.pathname === "/oauth/consent/";
  // As the consent page answers: a fetch that asks for JSON gets `{redirect, url}` to follow.
  const consent = (accept: boolean) =>
    fetch(`${api.baseUrl}/api/auth/oauth2/consent`, {
      method: "POST",
      headers: { ...session, "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ accept, oauth_query: next.search.slice(1) }),
    }).then((r) => r.json() as Promise<{ url: string }>);
  const back = askedConsent ? new URL((await consent(true)).url) : next;
  assert.equal(`${back.origin}${back.pathname}`, REDIRECT_URI);
  assert.equal(back.searchParams.get("state"), "state-1");
  const token = (codeVerifier: string) =>
    fetch(`${api.baseUrl}/api/auth/oauth2/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        code: back.searchParams.get("code")!,
        redirect_uri: REDIRECT_URI,
        client_id: options.clientId,
        code_verifier: codeVerifier,
        ...(options.resource ? { resource: options.resource } : {}),
      }),
    });
  return { token, verifier, askedConsent };
}

async function accessToken(api: TestApi, options: Parameters<typeof authorize>[1]): Promise<string> {
  const { token, verifier } = await authorize(api, options);
  const reply = await token(verifier);
  const body = await reply.json();
  assert.equal(reply.status, 200, JSON.stringify(body));
  return body.access_token;
}

test("discovery: a 401 from /mcp leads to the protected resource metadata, and that to Better Auth's authorization server metadata", async (t) => {
  const api = await build(t);
  const unauthenticated = await api.request("POST", "/mcp", {
    body: { jsonrpc: "2.0", id: 1, method: "initialize" },
    headers: { accept: "application/json, text/event-stream" },
  });
  assert.equal(unauthenticated.status, 401);
  const metadataUrl = /resource_metadata="([^"]+)"/.exec(
    unauthenticated.headers.get("www-authenticate") ?? "",
  )![1]!;
  const resource = await api.request("GET", new URL(metadataUrl).pathname);
  assert.equal(resource.status, 200);
  assert.equal(resource.body.resource, RESOURCE);
  assert.deepEqual(resource.body.authorization_servers, ["http://localhost/api/auth"]);
  assert.deepEqual(resource.body.scopes_supported, ["todo:read", "todo:write"]);
  assert.equal(resource.body.dpop_signing_alg_values_supported, undefined);

  // RFC 8414 §3: the issuer http://localhost/api/auth has its metadata at the well-known URI plus its path.
  const server = await api.request("GET", "/.well-known/oauth-authorization-server/api/auth");
  assert.equal(server.status, 200);
  assert.equal(server.body.issuer, "http://localhost/api/auth");
  assert.deepEqual(server.body.code_challenge_methods_supported, ["S256"]);
  assert.equal(server.body.client_id_metadata_document_supported, true);
  assert.equal(server.body.registration_endpoint, "http://localhost/api/auth/oauth2/register");
  assert.deepEqual(server.body.grant_types_supported, ["authorization_code", "refresh_token"]);
  assert.ok(server.body.scopes_supported.includes("todo:write"));
  const root = await api.request("GET", "/.well-known/oauth-authorization-server");
  assert.deepEqual(root.body, server.body);
});

test("OAuth end to end: registration, authorization code with PKCE, a resource-bound token, tools over MCP, the event live", async (t) => {
  const api = await build(t);
  const ada = await api.signUp("Ada");
  const clientId = await registerClient(api);
  const flow = { clientId, sessionToken: ada.token, scope: "todo:read todo:write", resource: RESOURCE };
  // PKCE: a wrong verifier gets no token (RFC 7636 §4.6), and the code is spent: an intercepted
  // code cannot be retried.
  const stolen = await authorize(api, flow);
  assert.equal(stolen.askedConsent, true);
  const wrong = await stolen.token(randomBytes(32).toString("base64url"));
  assert.ok(wrong.status === 400 || wrong.status === 401, String(wrong.status));
  assert.match((await wrong.json()).error, /invalid_grant|invalid_request/);
  assert.equal((await stolen.token(stolen.verifier)).status, 400);

  const { token, verifier, askedConsent } = await authorize(api, flow);
  assert.equal(askedConsent, false);
  const reply = await token(verifier);
  const body = await reply.json();
  assert.equal(reply.status, 200, JSON.stringify(body));
  assert.equal(body.token_type, "Bearer");
  assert.equal(body.scope, "todo:read todo:write");
  const claims = JSON.parse(Buffer.from(body.access_token.split(".")[1], "base64url").toString());
  assert.equal(claims.aud, RESOURCE);
  assert.equal(claims.sub, ada.userId);

  const stream = openStream(`${api.baseUrl}/api/${ada.userId}/events/stream`, {
    authorization: `Bearer ${ada.token}`,
  });
  t.after(() => stream.close());
  await stream.ready;
  const client = await connectMcp(api.baseUrl, body.access_token);
  t.after(() => client.close());
  const created = await call(client, "create_task", { title: "Booked by the assistant" });
  assert.equal(created.isError, false, created.text);
  assert.equal(created.data.user_id, ada.userId);
  const [event] = await stream.waitFor(1);
  assert.equal(event!.event, "task.created");
  assert.equal(JSON.parse(event!.data).source, "mcp");
});

test("a token for another resource, or for none, is refused by /mcp; an unknown resource gets no token", async (t) => {
  const api = await build(t);
  const ada = await api.signUp("Ada");
  const clientId = await registerClient(api);
  const body = { jsonrpc: "2.0", id: 1, method: "tools/list" };
  const post = (token: string) =>
    api.request("POST", "/mcp", {
      token,
      body,
      headers: { accept: "application/json, text/event-stream" },
    });

  // Signed by this authorization server, but for another audience (another API it serves).
  const { token: otherAudience } = await api.backend.auth.api.signJWT({
    body: {
      payload: {
        sub: ada.userId,
        aud: "http://localhost/api/other",
        iss: "http://localhost/api/auth",
        scope: "todo:read todo:write",
      },
    },
  });
  const refused = await post(otherAudience);
  assert.equal(refused.status, 401);
  assert.match(refused.headers.get("www-authenticate") ?? "", /error="invalid_token".*another resource/);

  // Without a resource indicator the token is not bound to /mcp (an opaque token for the user info).
  const unbound = await accessToken(api, { clientId, sessionToken: ada.token, scope: "todo:read" });
  assert.equal((await post(unbound)).status, 401);

  // A resource this server does not serve gets no code at all: RFC 8707 §2's invalid_target.
  const query = new URLSearchParams({
    response_type: "code",
    client_id: clientId,
    redirect_uri: REDIRECT_URI,
    scope: "todo:read",
    code_challenge: createHash("sha256").update("v".repeat(43)).digest("base64url"),
    code_challenge_method: "S256",
    resource: "http://localhost/api/other",
  });
  const start = await fetch(`${api.baseUrl}/api/auth/oauth2/authorize?${query}`, {
    headers: { authorization: `Bearer ${ada.token}` },
    redirect: "manual",
  });
  const back = new URL(start.headers.get("location")!);
  assert.equal(back.searchParams.get("error"), "invalid_target");
  assert.equal(back.searchParams.get("code"), null);
  // A token that expired, or was tampered with, is refused too.
  const good = await accessToken(api, {
    clientId,
    sessionToken: ada.token,
    scope: "todo:read",
    resource: RESOURCE,
  });
  assert.equal((await post(good)).status, 200);
  const [header, payload, signature] = good.split(".");
  const forged = Buffer.from(
    JSON.stringify({ ...JSON.parse(Buffer.from(payload!, "base64url").toString()), sub: "someone-else" }),
  ).toString("base64url");
  assert.equal((await post(`${header}.${forged}.${signature}`)).status, 401);
});

test("a read-only token reads through MCP but every write tool is refused, changing nothing", async (t) => {
  const api = await build(t);
  const ada = await api.signUp("Ada");
  const existing = await api.request("POST", `/api/${ada.userId}/tasks`, {
    token: ada.token,
    body: { title: "Keep me" },
  });
  const clientId = await registerClient(api);
  const readOnly = await accessToken(api, {
    clientId,
    sessionToken: ada.token,
    scope: "todo:read",
    resource: RESOURCE,
  });
  const client = await connectMcp(api.baseUrl, readOnly);
  t.after(() => client.close());

  const found = await call(client, "find_tasks");
  assert.equal(found.data.page.total, 1);
  const writes: [string, Record<string, unknown>][] = [
    ["create_task", { title: "Nope" }],
    ["update_task", { id: existing.body.id, title: "Nope" }],
    ["complete_task", { id: existing.body.id }],
    ["delete_task", { id: existing.body.id }],
    ["create_tag", { name: "Nope" }],
    ["create_recurring_task", { template_title: "Nope", recurrence_pattern: "daily" }],
    ["mark_all_notifications_read", {}],
  ];
  for (const [tool, args] of writes) {
    const result = await call(client, tool, args);
    assert.equal(result.isError, true, tool);
    assert.equal(result.data.code, "forbidden", tool);
    assert.match(result.text, /todo:write/);
  }
  const after = await api.request("GET", `/api/${ada.userId}/tasks/${existing.body.id}`, {
    token: ada.token,
  });
  assert.equal(after.body.title, "Keep me");
  assert.equal(after.body.completed, false);
  assert.equal((await call(client, "find_tasks")).data.page.total, 1);
});

test("Client ID Metadata Documents: a client_id URL on a non-public host is refused before anything is fetched", async (t) => {
  const api = await build(t);
  const ada = await api.signUp("Ada");
  const query = new URLSearchParams({
    response_type: "code",
    client_id: "https://127.0.0.1/client-metadata.json",
    redirect_uri: REDIRECT_URI,
    scope: "todo:read",
    code_challenge: createHash("sha256").update("v".repeat(43)).digest("base64url"),
    code_challenge_method: "S256",
    resource: RESOURCE,
  });
  const reply = await fetch(`${api.baseUrl}/api/auth/oauth2/authorize?${query}`, {
    headers: { authorization: `Bearer ${ada.token}` },
    redirect: "manual",
  });
  assert.equal(reply.status, 400);
  const body = await reply.json();
  assert.equal(body.error, "invalid_client");
  assert.match(body.error_description, /private or reserved address/);
});

test("the OAuth tables (migration 0010) hold every field Better Auth's plugins use", async (t) => {
  const api = await build(t);
  const { toBeCreated, toBeAdded } = await getMigrations(api.backend.auth.options);
  assert.deepEqual(
    toBeCreated.map((table) => table.table),
    [],
  );
  assert.deepEqual(
    toBeAdded.map((table) => [table.table, Object.keys(table.fields)]),
    [],
  );
});
