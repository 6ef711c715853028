"use client";

import type { ReactNode } from "react";
import { AppShell } from "@/components/app-shell";
import { LiveEventsProvider } from "@/lib/live-events";
import { RequireSession, useSession } from "@/lib/session";

function Live({ children }: { children: ReactNode }) {
  const { api } = useSession();
  return <LiveEventsProvider url={api.eventStreamUrl}>{children}</LiveEventsProvider>;
}

export default function SignedInLayout({ children }: { children: ReactNode }) {
  return (
    <RequireSession>
      <Live>
        <AppShell>{children}</AppShell>
      </Live>
    </RequireSession>
  );
}
