"use client";

import { useSearchParams } from "next/navigation";
import { useState } from "react";
import { answerConsent, SCOPE_WORDS } from "@/lib/oauth-authorization";
import { FormError } from "./field";

/** Where an assistant asks for access (OAuth consent): what it may do, Allow or Deny. */
export function ConsentForm() {
  const params = useSearchParams();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const clientId = params.get("client_id") ?? "";
  const scopes = (params.get("scope") ?? "").split(" ").filter(Boolean);

  async function answer(accept: boolean) {
    setBusy(true);
    setError(undefined);
    try {
      window.location.assign(await answerConsent(accept, params.toString()));
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
      setBusy(false);
    }
  }

  return (
    <div className="card auth-card">
      <h1>Allow access to your tasks?</h1>
      <p>
        An application (<code>{clientId.length > 60 ? `${clientId.slice(0, 60)}…` : clientId}</code>) asks to
        use your Todo account. It will be able to:
      </p>
      <ul>
        {scopes.map((scope) => (
          <li key={scope}>{SCOPE_WORDS[scope] ?? scope}</li>
        ))}
      </ul>
      <FormError message={error} />
      <div className="form">
        <button
          type="button"
          className="button button-primary button-wide"
          disabled={busy}
          onClick={() => answer(true)}
        >
          Allow
        </button>
        <button type="button" className="button button-wide" disabled={busy} onClick={() => answer(false)}>
          Deny
        </button>
      </div>
    </div>
  );
}
