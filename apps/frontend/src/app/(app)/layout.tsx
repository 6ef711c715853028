"use client";

import type { ReactNode } from "react";
import { AppShell } from "@/components/app-shell";
import { LiveSync } from "@/features/live/use-live-sync";
import { LiveEventsProvider } from "@/lib/live-events";
import { QueryProvider } from "@/lib/query-client";
import { RequireSession, useSession } from "@/lib/session";

// The query cache belongs to one person: keyed by user id, it starts empty for the next one.
function SignedIn({ children }: { children: ReactNode }) {
  const { api } = useSession();
  return (
    <QueryProvider key={api.userId}>
      <LiveEventsProvider url={api.eventStreamUrl}>
        <LiveSync />
        {children}
      </LiveEventsProvider>
    </QueryProvider>
  );
}

export default function SignedInLayout({ children }: { children: ReactNode }) {
  return (
    <RequireSession>
      <SignedIn>
        <AppShell>{children}</AppShell>
      </SignedIn>
    </RequireSession>
  );
}
