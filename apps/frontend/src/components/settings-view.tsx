"use client";

import type { NotificationChannels, NotificationPreferences } from "@todo/contracts";
import { type FormEvent, useCallback, useEffect, useState } from "react";
import { useAnnounce } from "@/lib/announcer";
import {
  ApiError,
  type CreatedWebhookItem,
  describeError,
  type PushSubscriptionInput,
  publicApi,
  type WebhookItem,
} from "@/lib/api-client";
import { loadContracts, preloadContracts } from "@/lib/contracts";
import { apiErrors, type FieldErrors, zodErrors } from "@/lib/form-errors";
import { useSession } from "@/lib/session";
import { formatDateTime } from "@/lib/time-zone";
import { ChangePasswordSection } from "./change-password-section";
import { ConfirmButton } from "./confirm-button";
import { Field, FieldError, FormError } from "./field";
import { TimeZoneSetting } from "./time-zone-setting";

type Prefs = NotificationPreferences["preferences"];
type EventType = keyof Prefs;
// A Record over the contract's type: the compiler insists on every event type, and only those.
const EVENT_LABELS: Record<EventType, string> = {
  "task.created": "Task created",
  "task.updated": "Task changed",
  "task.completed": "Task completed",
  "task.deleted": "Task deleted",
  "task.due.approaching": "Task due soon (reminders)",
  "notification.send": "Messages from the service",
};
const EVENT_TYPES = Object.keys(EVENT_LABELS) as EventType[];
const CHANNELS = [
  { key: "in_app", label: "In app", enable: "" },
  { key: "email", label: "Email", enable: "set SMTP_URL (and MAIL_FROM) on the server and restart it" },
  {
    key: "push",
    label: "Push",
    enable:
      "set VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY on the server (npm run vapid:generate -w @todo/notification-service makes a pair) and restart it",
  },
] as const;
type Channel = (typeof CHANNELS)[number]["key"];

const unavailable = (error: unknown) => error instanceof ApiError && error.status === 404;

export function SettingsView() {
  const { user, timeZone, signOut } = useSession();
  return (
    <div className="stack">
      <div className="page-header">
        <h1>Settings</h1>
      </div>
      <section className="card" aria-labelledby="account-heading">
        <h2 id="account-heading">Account</h2>
        <p>
          Signed in as <strong>{user.name}</strong> ({user.email}). Dates are shown in your time zone,{" "}
          {timeZone}.
        </p>
        <button type="button" className="button" onClick={() => void signOut()}>
          Sign out
        </button>
      </section>
      <TimeZoneSetting />
      <ChangePasswordSection />
      <PreferencesSection />
      <PushSection />
      <WebhooksSection />
    </div>
  );
}

function PreferencesSection() {
  const { api } = useSession();
  const announce = useAnnounce();
  const [prefs, setPrefs] = useState<Prefs | null>(null);
  const offered = useOfferedChannels();
  const [status, setStatus] = useState<"loading" | "ready" | "unavailable" | "error">("loading");
  const [error, setError] = useState<string | undefined>();
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    api.notifications
      .preferences()
      .then((p) => {
        setPrefs(p.preferences);
        setStatus("ready");
      })
      .catch((e: unknown) => {
        setStatus(unavailable(e) ? "unavailable" : "error");
        setError(describeError(e));
      });
  }, [api]);

  const isOff = (channel: Channel) => offered !== null && !offered[channel];
  const checked = (type: EventType, channel: Channel) =>
    !isOff(channel) && (prefs?.[type]?.[channel] ?? false);
  const off = CHANNELS.filter((c) => isOff(c.key));
  const toggle = (type: EventType, channel: Channel) => {
    setSaved(false);
    setPrefs(
      (p) =>
        ({ ...(p ?? {}), [type]: { ...(p?.[type] ?? {}), [channel]: !checked(type, channel) } }) as Prefs,
    );
  };

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!prefs) return;
    setSaving(true);
    setError(undefined);
    try {
      const result = await api.notifications.savePreferences({ preferences: prefs });
      setPrefs(result.preferences);
      setSaved(true);
      announce("Notification preferences saved");
    } catch (e) {
      setError(describeError(e));
    } finally {
      setSaving(false);
    }
  }

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
      {status === "error" ? <FormError message={`Could not load preferences: ${error}`} /> : null}
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

/** What this server delivers on; null until known (or when it cannot say: everything stays choosable). */
function useOfferedChannels(): NotificationChannels | null {
  const [channels, setChannels] = useState<NotificationChannels | null>(null);
  useEffect(() => {
    publicApi
      .notificationChannels()
      .then(setChannels)
      .catch(() => setChannels(null));
  }, []);
  return channels;
}

function base64UrlToBytes(value: string): Uint8Array<ArrayBuffer> {
  const padded = (value + "=".repeat((4 - (value.length % 4)) % 4)).replace(/-/g, "+").replace(/_/g, "/");
  const raw = atob(padded);
  const bytes = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

type PushState =
  | "checking"
  | "unsupported"
  | "disabled"
  | "unavailable"
  | "off"
  | "on"
  | "denied"
  | "working";

function PushSection() {
  const { api } = useSession();
  const announce = useAnnounce();
  const [state, setState] = useState<PushState>("checking");
  const [key, setKey] = useState<string | null>(null);
  const [error, setError] = useState<string | undefined>();

  const check = useCallback(async () => {
    if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
      setState("unsupported");
      return;
    }
    try {
      const { public_key } = await publicApi.vapidPublicKey();
      setKey(public_key);
      if (!public_key) {
        setState("disabled");
        return;
      }
      if (Notification.permission === "denied") {
        setState("denied");
        return;
      }
      const registration = await navigator.serviceWorker.getRegistration("/");
      const subscription = await registration?.pushManager.getSubscription();
      setState(subscription ? "on" : "off");
    } catch (e) {
      setState(unavailable(e) ? "unavailable" : "off");
      if (!unavailable(e)) setError(describeError(e));
    }
  }, []);

  useEffect(() => {
    void check();
  }, [check]);

  async function enable() {
    if (!key) return;
    setError(undefined);
    setState("working");
    try {
      const permission = await Notification.requestPermission();
      if (permission !== "granted") {
        setState(permission === "denied" ? "denied" : "off");
        return;
      }
      const registration = await navigator.serviceWorker.register("/sw.js", { scope: "/" });
      await navigator.serviceWorker.ready;
      const subscription = await registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: base64UrlToBytes(key),
      });
      await api.push.subscribe(subscription.toJSON() as PushSubscriptionInput);
      setState("on");
      announce("Push notifications are on");
    } catch (e) {
      setError(`Could not turn on push notifications: ${describeError(e)}`);
      setState("off");
    }
  }

  async function disable() {
    setError(undefined);
    setState("working");
    try {
      const registration = await navigator.serviceWorker.getRegistration("/");
      const subscription = await registration?.pushManager.getSubscription();
      if (subscription) {
        await api.push.unsubscribe(subscription.endpoint);
        await subscription.unsubscribe();
      }
      setState("off");
      announce("Push notifications are off");
    } catch (e) {
      setError(`Could not turn off push notifications: ${describeError(e)}`);
      setState("on");
    }
  }

  const messages: Partial<Record<PushState, string>> = {
    checking: "Checking…",
    unsupported: "This browser does not support web push.",
    disabled: "Web push is disabled on this server (no VAPID key is configured).",
    unavailable: "Web push is not available on this server yet.",
    denied:
      "Notifications are blocked for this site. Allow them in your browser’s site settings to turn push on.",
  };
  return (
    <section className="card" aria-labelledby="push-heading">
      <h2 id="push-heading">Web push</h2>
      <p className="muted">Get notifications from this browser even when the page is closed.</p>
      {messages[state] ? (
        <p role="status" data-push-state={state}>
          {messages[state]}
        </p>
      ) : null}
      {state === "off" || state === "on" || state === "working" ? (
        <div className="row">
          <p data-push-state={state}>
            Push is {state === "on" ? "on" : state === "working" ? "changing…" : "off"}.
          </p>
          {state === "on" ? (
            <button type="button" className="button" onClick={() => void disable()}>
              Turn off push
            </button>
          ) : (
            <button
              type="button"
              className="button button-primary"
              disabled={state === "working"}
              onClick={() => void enable()}
            >
              Turn on push
            </button>
          )}
        </div>
      ) : null}
      <FormError message={error} />
    </section>
  );
}

const WEBHOOK_FIELDS = ["url", "event_types", "description"] as const;

function WebhooksSection() {
  const { api, timeZone } = useSession();
  const announce = useAnnounce();
  const [status, setStatus] = useState<"loading" | "ready" | "unavailable" | "error">("loading");
  const [items, setItems] = useState<WebhookItem[]>([]);
  const [loadError, setLoadError] = useState<string | undefined>();
  const [url, setUrl] = useState("");
  const [description, setDescription] = useState("");
  const [types, setTypes] = useState<EventType[]>(["task.created", "task.completed"]);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [saving, setSaving] = useState(false);
  const [created, setCreated] = useState<CreatedWebhookItem | null>(null);
  const [copied, setCopied] = useState(false);

  useEffect(() => {
    preloadContracts();
    api.webhooks
      .list()
      .then((list) => {
        setItems(list);
        setStatus("ready");
      })
      .catch((e: unknown) => {
        setStatus(unavailable(e) ? "unavailable" : "error");
        setLoadError(describeError(e));
      });
  }, [api]);

  const toggleType = (type: EventType) =>
    setTypes((list) => (list.includes(type) ? list.filter((t) => t !== type) : [...list, type]));

  async function create(event: FormEvent) {
    event.preventDefault();
    const { CreateWebhookBody } = await loadContracts();
    const parsed = CreateWebhookBody.safeParse({
      url: url.trim(),
      event_types: types,
      ...(description.trim() ? { description: description.trim() } : {}),
    });
    if (!parsed.success) {
      setErrors(zodErrors(parsed.error, WEBHOOK_FIELDS));
      return;
    }
    setSaving(true);
    setErrors({});
    try {
      const webhook = await api.webhooks.create(parsed.data);
      const { secret: _secret, ...listed } = webhook;
      setItems((list) => [...list, listed]);
      setCreated(webhook);
      setCopied(false);
      setUrl("");
      setDescription("");
      announce("Webhook added. Copy its signing secret now: it is shown only once.");
    } catch (e) {
      setErrors(apiErrors(e, WEBHOOK_FIELDS));
    } finally {
      setSaving(false);
    }
  }

  async function copySecret() {
    if (!created) return;
    try {
      await navigator.clipboard.writeText(created.secret);
      setCopied(true);
      announce("Secret copied");
    } catch {
      setCopied(false);
      announce("Could not copy; select the secret and copy it by hand");
    }
  }

  return (
    <section className="card" aria-labelledby="webhooks-heading">
      <h2 id="webhooks-heading">Webhooks</h2>
      <p className="muted">
        We POST signed JSON to your URL for the events you pick. Verify the signature with the secret shown
        once, when you add the webhook.
      </p>
      {status === "loading" ? (
        <p role="status" className="muted">
          Loading webhooks…
        </p>
      ) : null}
      {status === "unavailable" ? (
        <p className="muted">Webhooks are not available on this server yet.</p>
      ) : null}
      {status === "error" ? <FormError message={`Could not load webhooks: ${loadError}`} /> : null}

      {created ? (
        <section className="secret-box" aria-label="New webhook secret">
          <p>
            <strong>Signing secret for {created.url}.</strong> Copy it now: it will not be shown again.
          </p>
          <div className="row">
            <code className="secret" data-testid="webhook-secret">
              {created.secret}
            </code>
            <button type="button" className="button" onClick={() => void copySecret()}>
              {copied ? "Copied" : "Copy secret"}
            </button>
            <button type="button" className="button button-quiet" onClick={() => setCreated(null)}>
              Done
            </button>
          </div>
        </section>
      ) : null}

      {status === "ready" ? (
        <>
          {items.length === 0 ? (
            <p className="muted">No webhooks yet.</p>
          ) : (
            <ul className="webhook-list" aria-label="Your webhooks">
              {items.map((w) => (
                <li key={w.id} className="webhook">
                  <div>
                    <p className="mono break">{w.url}</p>
                    <p className="muted small">
                      {w.event_types.join(", ")}
                      {w.description ? ` · ${w.description}` : ""} · added{" "}
                      {formatDateTime(w.created_at, timeZone)}
                    </p>
                  </div>
                  <ConfirmButton
                    label="Delete"
                    ariaLabel={`Delete webhook ${w.url}`}
                    question="Delete this webhook?"
                    onConfirm={async () => {
                      try {
                        await api.webhooks.remove(w.id);
                        setItems((list) => list.filter((x) => x.id !== w.id));
                        announce("Webhook deleted");
                      } catch (e) {
                        setErrors({ "": describeError(e) });
                      }
                    }}
                  />
                </li>
              ))}
            </ul>
          )}
          <form className="form" onSubmit={create} noValidate aria-label="New webhook">
            <h3>Add a webhook</h3>
            <FormError message={errors[""]} />
            <Field id="webhook-url" name="url" label="URL" error={errors.url} hint="http:// or https://">
              {(p) => (
                <input
                  {...p}
                  type="url"
                  inputMode="url"
                  placeholder="https://example.com/hooks/todo"
                  value={url}
                  onChange={(e) => setUrl(e.target.value)}
                />
              )}
            </Field>
            <fieldset className="fieldset">
              <legend>Events</legend>
              <div className="checkbox-row">
                {EVENT_TYPES.map((type) => (
                  <label key={type} className="checkbox">
                    <input type="checkbox" checked={types.includes(type)} onChange={() => toggleType(type)} />
                    {EVENT_LABELS[type]}
                  </label>
                ))}
              </div>
              <FieldError message={errors.event_types} />
            </fieldset>
            <Field
              id="webhook-description"
              name="description"
              label="Description (optional)"
              error={errors.description}
            >
              {(p) => (
                <input
                  {...p}
                  type="text"
                  maxLength={200}
                  value={description}
                  onChange={(e) => setDescription(e.target.value)}
                />
              )}
            </Field>
            <div className="form-actions">
              <button type="submit" className="button button-primary" disabled={saving}>
                {saving ? "Adding…" : "Add webhook"}
              </button>
            </div>
          </form>
        </>
      ) : null}
    </section>
  );
}
