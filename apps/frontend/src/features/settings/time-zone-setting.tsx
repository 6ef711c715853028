"use client";

import { type FormEvent, useId, useMemo, useState } from "react";
import { Field } from "@/components/field";
import { useAnnounce } from "@/lib/announcer";
import { authApi } from "@/lib/api-client";
import { useSession } from "@/lib/session";
import { browserTimeZone, listTimeZones } from "@/lib/time-zone";
import { useSchemaForm } from "@/lib/use-schema-form";

const FIELDS = ["timezone"] as const;

/**
 * The user's time zone, kept on the server: the web app and notification texts (in the app, by
 * e-mail, by push) give due times in it. Set from the browser at sign-up; a template's own zone
 * still governs its schedule.
 */
export function TimeZoneSetting() {
  const { user, timeZone, setTimeZone } = useSession();
  const announce = useAnnounce();
  const uid = useId();
  const zones = useMemo(() => listTimeZones(timeZone), [timeZone]);
  const [zone, setZone] = useState(timeZone);
  const form = useSchemaForm(FIELDS);
  const error = form.errors.timezone ?? form.errors[""];

  async function submit(event: FormEvent) {
    event.preventDefault();
    const saved = await form.submit(
      (c) => c.UpdateUserBody,
      { timezone: zone },
      async () => {
        await authApi.updateUser({ timezone: zone });
        return zone;
      },
    );
    if (!saved) return;
    setTimeZone(saved);
    announce(`Time zone saved: ${saved}`);
  }

  return (
    <section className="card" aria-labelledby={`${uid}-heading`}>
      <h2 id={`${uid}-heading`}>Time zone</h2>
      <form className="form" onSubmit={submit} aria-label="Time zone">
        <Field
          id={`${uid}-zone`}
          name="timezone"
          label="Your time zone"
          error={error}
          hint={`This app, reminders and notifications give due times in it. This browser is in ${browserTimeZone()}.`}
        >
          {(p) => (
            <select {...p} value={zone} onChange={(e) => setZone(e.target.value)}>
              {zones.map((z) => (
                <option key={z} value={z}>
                  {z}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div className="form-actions">
          <button type="submit" className="button" disabled={form.saving || zone === user.timezone}>
            Save time zone
          </button>
        </div>
      </form>
    </section>
  );
}
