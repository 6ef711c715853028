"use client";

import { useEffect } from "react";
import { preloadContracts } from "@/lib/contracts";
import { useSession } from "@/lib/session";
import { ChangePasswordSection } from "./change-password-section";
import { PreferencesSection } from "./preferences-section";
import { PushSection } from "./push-section";
import { TimeZoneSetting } from "./time-zone-setting";
import { WebhooksSection } from "./webhooks-section";

/** The settings page: account, time zone, password, notification preferences, web push, webhooks. */
export function SettingsView() {
  const { user, timeZone, signOut } = useSession();
  useEffect(preloadContracts, []);
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
