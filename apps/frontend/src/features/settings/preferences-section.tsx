"use client";

import { type FormEvent, useState } from "react";
import { FormError } from "@/components/field";
import { useAnnounce } from "@/lib/announcer";
import { describeError } from "@/lib/api-client";
import {
  CHANNELS,
  type Channel,
  EVENT_LABELS,
  EVENT_TYPES,
  type EventType,
  type Prefs,
} from "./settings-labels";
import { unavailable, useOfferedChannels, usePreferences, useSavePreferences } from "./use-settings";

/** Settings › Notifications: which channel each kind of event reaches; channels the server lacks are off. */
export function PreferencesSection() {
  const announce = useAnnounce();
  const stored = usePreferences();
  const offered = useOfferedChannels().data ?? null;
  const saveMutation = useSavePreferences();
  // The person's edits since the last save; null: what the server has.
  const [draft, setDraft] = useState<Prefs | null>(null);
  const [error, setError] = useState<string | undefined>();
  const [saved, setSaved] = useState(false);
  const prefs = draft ?? stored.data?.preferences ?? null;
  const saving = saveMutation.isPending;

  const isOff = (channel: Channel) => offered !== null && !offered[channel];
  const checked = (type: EventType, channel: Channel) =>
    !isOff(channel) && (prefs?.[type]?.[channel] ?? false);
  const off = CHANNELS.filter((c) => isOff(c.key));
  const toggle = (type: EventType, channel: Channel) => {
    setSaved(false);
    setDraft({
      ...(prefs ?? {}),
      [type]: { ...(prefs?.[type] ?? {}), [channel]: !checked(type, channel) },
    } as Prefs);
  };

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!prefs) return;
    setError(undefined);
    try {
      await saveMutation.mutateAsync({ preferences: prefs });
      setDraft(null);
      setSaved(true);
      announce("Notification preferences saved");
    } catch (e) {
      setError(describeError(e));
    }
  }

  const status = stored.isPending
    ? "loading"
    : stored.isError
      ? unavailable(stored.error)
        ? "unavailable"
        : "error"
      : "ready";
  const loadError = stored.isError ? describeError(stored.error) : undefined;
  return (
    <section className="card" aria-labelledby="prefs-heading">
      <h2 id="prefs-heading">Notifications</h2>
      <p className="muted">Choose where each kind of event reaches you.</p>
      {status === "loading" ? (
        <p role="status" className="muted">
          Loading preferences…
        </p>
      ) : null}
      {status === "unavailable" ? (
        <p className="muted">Notification preferences are not available on this server yet.</p>
      ) : null}
      {status === "error" ? <FormError message={`Could not load preferences: ${loadError}`} /> : null}
      {status === "ready" && prefs ? (
        <form onSubmit={save} aria-label="Notification preferences">
          <div className="table-scroll">
            <table className="prefs-table">
              <caption className="visually-hidden">Channels per event</caption>
              <thead>
                <tr>
                  <th scope="col">Event</th>
                  {CHANNELS.map((c) => (
                    <th scope="col" key={c.key} id={`channel-${c.key}`}>
                      {c.label}
                      {isOff(c.key) ? <span className="muted"> (off)</span> : null}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {EVENT_TYPES.map((type) => (
                  <tr key={type}>
                    <th scope="row">{EVENT_LABELS[type]}</th>
                    {CHANNELS.map((c) => (
                      <td key={c.key}>
                        <input
                          type="checkbox"
                          aria-label={`${EVENT_LABELS[type]}: ${c.label}`}
                          checked={checked(type, c.key)}
                          disabled={isOff(c.key)}
                          aria-describedby={isOff(c.key) ? `channel-${c.key}-off` : undefined}
                          onChange={() => toggle(type, c.key)}
                        />
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {off.map((c) => (
            <p key={c.key} id={`channel-${c.key}-off`} className="muted" data-channel-off={c.key}>
              {c.label} is not set up on this server, so it cannot be chosen. To turn it on, {c.enable}.
            </p>
          ))}
          <FormError message={error} />
          <div className="form-actions">
            <button type="submit" className="button button-primary" disabled={saving}>
              {saving ? "Saving…" : "Save preferences"}
            </button>
            {saved ? <span className="muted">Saved.</span> : null}
          </div>
        </form>
      ) : null}
    </section>
  );
}
