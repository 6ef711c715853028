/**
 * Better Auth's authorization endpoint sends a person who must sign in to /login/ with the
 * authorization request's parameters, signed (`sig`, `exp`, `ba_*`). After sign-in the request is
 * made again, unsigned, now with the session: the server then asks for consent or answers the client.
 */
export function authorizationToResume(search: URLSearchParams): string | null {
  if (!search.has("client_id") || !search.has("response_type")) return null;
  const request = new URLSearchParams();
  for (const [key, value] of search) {
    if (key !== "sig" && key !== "exp" && !key.startsWith("ba_")) request.append(key, value);
  }
  return `/api/auth/oauth2/authorize?${request}`;
}

/** What each scope lets an assistant do, in the words the consent page shows. */
export const SCOPE_WORDS: Record<string, string> = {
  "todo:read": "See your tasks, tags, recurring tasks and notifications",
  "todo:write": "Create, change, complete and delete your tasks and tags, and mark notifications read",
  offline_access: "Stay connected when you are away (a refresh token)",
};

/**
 * The person's answer to the consent page: Better Auth answers a browser's fetch with
 * `{redirect: true, url}`, the client's redirect URI with a code (or `access_denied`).
 */
export async function answerConsent(accept: boolean, oauthQuery: string): Promise<string> {
  const response = await fetch("/api/auth/oauth2/consent", {
    method: "POST",
    credentials: "same-origin",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({ accept, oauth_query: oauthQuery }),
  });
  const body = (await response.json().catch(() => null)) as {
    url?: string;
    error_description?: string;
  } | null;
  if (!response.ok || !body?.url) {
    throw new Error(
      body?.error_description ?? "The authorization request expired; start again from the assistant.",
    );
  }
  return body.url;
}
