"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useState } from "react";
import { FormError } from "@/components/field";
import { useAnnounce } from "@/lib/announcer";
import { describeError, type PushSubscriptionInput } from "@/lib/api-client";
import { useSession } from "@/lib/session";
import { unavailable, vapidKeyQuery } from "./use-settings";

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

/** Settings › Web push: subscribe this browser (the server's VAPID key) or unsubscribe it. */
export function PushSection() {
  const { api } = useSession();
  const client = useQueryClient();
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
      const public_key = await client.fetchQuery(vapidKeyQuery);
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
  }, [client]);

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
