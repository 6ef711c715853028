import assert from "node:assert/strict";
import { test } from "node:test";
import { authorizationToResume } from "../src/lib/oauth-authorization.ts";

test("after sign-in, an assistant's authorization request is made again without Better Auth's signature", () => {
  const signed = new URLSearchParams(
    "response_type=code&client_id=abc&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcb&scope=todo%3Aread+todo%3Awrite&state=s&code_challenge=x&code_challenge_method=S256&resource=http%3A%2F%2Flocalhost%2Fmcp&exp=1&ba_iat=2&ba_param=ba_iat&ba_param=exp&sig=zzz",
  );
  const resume = new URL(authorizationToResume(signed)!, "http://localhost");
  assert.equal(resume.pathname, "/api/auth/oauth2/authorize");
  assert.deepEqual(
    [...resume.searchParams.keys()],
    [
      "response_type",
      "client_id",
      "redirect_uri",
      "scope",
      "state",
      "code_challenge",
      "code_challenge_method",
      "resource",
    ],
  );
  assert.equal(resume.searchParams.get("resource"), "http://localhost/mcp");
  assert.equal(resume.searchParams.get("scope"), "todo:read todo:write");
});

test("an ordinary sign-in (no authorization request) goes on to the app", () => {
  assert.equal(authorizationToResume(new URLSearchParams("next=%2Ftags%2F")), null);
});
