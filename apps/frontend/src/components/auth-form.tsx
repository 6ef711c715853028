"use client";

import type { SignUpBody } from "@todo/contracts";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { type FormEvent, useEffect, useState } from "react";
import { ApiError, authApi } from "@/lib/api-client";
import { loadContracts, preloadContracts } from "@/lib/contracts";
import { apiErrors, type FieldErrors, zodErrors } from "@/lib/form-errors";
import { authorizationToResume } from "@/lib/oauth-authorization";
import { browserTimeZone } from "@/lib/time-zone";
import { Field, FormError } from "./field";

const FIELDS = ["name", "email", "password"] as const;

/** Only paths on this site: `next` comes from the address bar. */
function safeNext(value: string | null): string {
  return value?.startsWith("/") && !value.startsWith("//") ? value : "/dashboard/";
}

function friendly(error: unknown): FieldErrors {
  if (error instanceof ApiError) {
    if (error.code === "invalid_credentials") return { "": "Wrong email or password." };
    if (error.status === 429) return { "": "Too many attempts. Wait a minute and try again." };
    if (error.code === "email_not_verified") {
      return { "": "Verify your e-mail address first: follow the link in the mail we sent you." };
    }
    // Better Auth refuses an Origin other than the server's PUBLIC_URL (localhost vs 127.0.0.1, say).
    if (error.code === "invalid_origin") {
      return { "": `This server expects to be opened at another address than ${window.location.origin}.` };
    }
  }
  // The rest (email_taken, bad fields) names its field, which the form shows beside it.
  return apiErrors(error, FIELDS);
}

export function AuthForm({ mode }: { mode: "sign-in" | "sign-up" }) {
  const router = useRouter();
  const params = useSearchParams();
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const [showPassword, setShowPassword] = useState(false);
  // Set when the server asks for e-mail verification before the first sign-in (no token yet).
  const [verifyAt, setVerifyAt] = useState<string | null>(null);
  const signingUp = mode === "sign-up";
  useEffect(preloadContracts, []);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const { SignInBody, SignUpBody } = await loadContracts();
    const parsed = signingUp
      ? SignUpBody.safeParse({ name, email: email.trim(), password, timezone: browserTimeZone() })
      : SignInBody.safeParse({ email: email.trim(), password });
    if (!parsed.success) {
      setErrors(zodErrors(parsed.error, FIELDS));
      return;
    }
    setBusy(true);
    setErrors({});
    try {
      if (signingUp) {
        const result = await authApi.signUp(parsed.data as SignUpBody);
        if (result.token === null) {
          setVerifyAt(parsed.data.email);
          setBusy(false);
          return;
        }
      } else await authApi.signIn(parsed.data);
      // Signed in on an assistant's behalf: its authorization request goes on.
      const resume = authorizationToResume(params);
      if (resume) window.location.assign(resume);
      else router.replace(safeNext(params.get("next")));
    } catch (error) {
      setErrors(friendly(error));
      setBusy(false);
    }
  }

  const next = params.get("next");
  const other = signingUp ? "/login/" : "/signup/";
  if (verifyAt) {
    return (
      <div className="card auth-card">
        <h1>Check your mail</h1>
        <p role="status">
          We sent a link to <strong>{verifyAt}</strong>. Follow it to verify your address, then sign in.
        </p>
        <p className="auth-switch">
          <Link href={next ? `/login/?next=${encodeURIComponent(next)}` : "/login/"}>Sign in</Link>
        </p>
      </div>
    );
  }
  return (
    <div className="card auth-card">
      <h1>{signingUp ? "Create your account" : "Sign in"}</h1>
      <form
        className="form"
        onSubmit={submit}
        noValidate
        aria-label={signingUp ? "Create account" : "Sign in"}
      >
        <FormError message={errors[""]} />
        {signingUp ? (
          <Field id="name" name="name" label="Name" error={errors.name}>
            {(p) => (
              <input
                {...p}
                type="text"
                autoComplete="name"
                value={name}
                onChange={(e) => setName(e.target.value)}
              />
            )}
          </Field>
        ) : null}
        <Field id="email" name="email" label="Email" error={errors.email}>
          {(p) => (
            <input
              {...p}
              type="email"
              autoComplete="email"
              inputMode="email"
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          )}
        </Field>
        <Field
          id="password"
          name="password"
          label="Password"
          error={errors.password}
          hint={signingUp ? "At least 8 characters." : undefined}
        >
          {(p) => (
            <input
              {...p}
              type={showPassword ? "text" : "password"}
              autoComplete={signingUp ? "new-password" : "current-password"}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          )}
        </Field>
        <label className="checkbox">
          <input type="checkbox" checked={showPassword} onChange={(e) => setShowPassword(e.target.checked)} />{" "}
          Show what I type
        </label>
        <button type="submit" className="button button-primary button-wide" disabled={busy}>
          {busy ? "Please wait…" : signingUp ? "Create account" : "Sign in"}
        </button>
      </form>
      <p className="auth-switch">
        {signingUp ? "Already have an account? " : "New here? "}
        <Link href={next ? `${other}?next=${encodeURIComponent(next)}` : other}>
          {signingUp ? "Sign in" : "Create an account"}
        </Link>
      </p>
    </div>
  );
}
