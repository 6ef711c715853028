"use client";

import { type FormEvent, useState } from "react";
import { useAnnounce } from "@/lib/announcer";
import { authApi } from "@/lib/api-client";
import { loadContracts, preloadContracts } from "@/lib/contracts";
import { apiErrors, type FieldErrors, zodErrors } from "@/lib/form-errors";
import { Field, FormError } from "./field";

const FIELDS = ["currentPassword", "newPassword"] as const;

/** Settings › Password: change it; the account's other sessions are signed out unless kept. */
export function ChangePasswordSection() {
  const announce = useAnnounce();
  const [currentPassword, setCurrentPassword] = useState("");
  const [newPassword, setNewPassword] = useState("");
  const [keepOthers, setKeepOthers] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [saving, setSaving] = useState(false);
  const [done, setDone] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const { ChangePasswordBody } = await loadContracts();
    const parsed = ChangePasswordBody.safeParse({
      currentPassword,
      newPassword,
      revokeOtherSessions: !keepOthers,
    });
    if (!parsed.success) {
      setErrors(zodErrors(parsed.error, FIELDS));
      return;
    }
    setSaving(true);
    setErrors({});
    setDone(false);
    try {
      await authApi.changePassword(parsed.data);
      setCurrentPassword("");
      setNewPassword("");
      setDone(true);
      announce(keepOthers ? "Password changed" : "Password changed; your other sessions are signed out");
    } catch (e) {
      setErrors(apiErrors(e, FIELDS));
    } finally {
      setSaving(false);
    }
  }

  return (
    <section className="card" aria-labelledby="password-heading">
      <h2 id="password-heading">Password</h2>
      <form className="stack" onSubmit={(e) => void submit(e)} onFocus={preloadContracts} noValidate>
        <PasswordField
          name="currentPassword"
          label="Current password"
          autoComplete="current-password"
          value={currentPassword}
          onChange={setCurrentPassword}
          error={errors.currentPassword}
        />
        <PasswordField
          name="newPassword"
          label="New password"
          hint="At least 8 characters; common passwords are refused."
          autoComplete="new-password"
          value={newPassword}
          onChange={setNewPassword}
          error={errors.newPassword}
        />
        <label className="row">
          <input type="checkbox" checked={keepOthers} onChange={(e) => setKeepOthers(e.target.checked)} />
          Keep my other devices signed in
        </label>
        <FormError message={errors[""]} />
        {done ? (
          <p role="status" className="muted">
            Password changed.
          </p>
        ) : null}
        <div>
          <button type="submit" className="button" disabled={saving}>
            {saving ? "Changing…" : "Change password"}
          </button>
        </div>
      </form>
    </section>
  );
}

function PasswordField(props: {
  name: (typeof FIELDS)[number];
  label: string;
  hint?: string;
  autoComplete: string;
  value: string;
  onChange: (value: string) => void;
  error: string | undefined;
}) {
  const id = props.name === "currentPassword" ? "current-password" : "new-password";
  return (
    <Field id={id} name={props.name} label={props.label} hint={props.hint} error={props.error}>
      {(control) => (
        <input
          {...control}
          type="password"
          autoComplete={props.autoComplete}
          value={props.value}
          onChange={(e) => props.onChange(e.target.value)}
        />
      )}
    </Field>
  );
}
