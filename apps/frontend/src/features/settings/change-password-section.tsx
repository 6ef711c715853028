"use client";

import { type FormEvent, useState } from "react";
import { Field, FormError } from "@/components/field";
import { useAnnounce } from "@/lib/announcer";
import { authApi } from "@/lib/api-client";
import { preloadContracts } from "@/lib/contracts";
import { useSchemaForm } from "@/lib/use-schema-form";

const FIELDS = ["currentPassword", "newPassword"] as const;

/** Settings › Password: change it; the account's other sessions are signed out unless kept. */
export function ChangePasswordSection() {
  const announce = useAnnounce();
  const form = useSchemaForm(FIELDS);
  const { errors, saving } = form;
  const [currentPassword, setCurrentPassword] = useState("");
  const [newPassword, setNewPassword] = useState("");
  const [keepOthers, setKeepOthers] = useState(false);
  const [done, setDone] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setDone(false);
    const body = { currentPassword, newPassword, revokeOtherSessions: !keepOthers };
    const changed = await form.submit(
      (c) => c.ChangePasswordBody,
      body,
      async (parsed) => {
        await authApi.changePassword(parsed);
        return true;
      },
    );
    if (!changed) return;
    setCurrentPassword("");
    setNewPassword("");
    setDone(true);
    announce(keepOthers ? "Password changed" : "Password changed; your other sessions are signed out");
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
