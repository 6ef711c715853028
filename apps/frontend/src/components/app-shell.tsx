"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ReactNode } from "react";
import { NotificationBell } from "@/features/notifications/notification-bell";
import { useLiveStatus } from "@/lib/live-events";
import { useSession } from "@/lib/session";

const NAV = [
  { href: "/dashboard/", label: "Tasks" },
  { href: "/tags/", label: "Tags" },
  { href: "/recurring/", label: "Recurring" },
  { href: "/activity/", label: "Activity" },
  { href: "/settings/", label: "Settings" },
];

function LiveIndicator() {
  const status = useLiveStatus();
  const text = { open: "Live", connecting: "Connecting…", offline: "Offline" }[status];
  return (
    <span className={`live live-${status}`} title="Live updates from the server">
      <span className="live-dot" aria-hidden="true" />
      <span className="visually-hidden">Live updates: </span>
      {text}
    </span>
  );
}

/** The bar at the top of every page, the 404 page's too: brand and navigation; `children` on the right. */
export function SiteHeader({ children }: { children?: ReactNode }) {
  const pathname = usePathname();
  const current = (href: string) => pathname === href || pathname === href.slice(0, -1);
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="header">
        <Link href="/dashboard/" className="brand">
          Todo
        </Link>
        <nav aria-label="Main" className="nav">
          <ul>
            {NAV.map((item) => (
              <li key={item.href}>
                <Link href={item.href} aria-current={current(item.href) ? "page" : undefined}>
                  {item.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        {children ? <div className="header-tools">{children}</div> : null}
      </header>
    </>
  );
}

export function AppShell({ children }: { children: ReactNode }) {
  const { user, signOut } = useSession();
  return (
    <>
      <SiteHeader>
        <LiveIndicator />
        <NotificationBell />
        <span className="user-name" title={user.email}>
          {user.name}
        </span>
        <button type="button" className="button button-quiet" onClick={() => void signOut()}>
          Sign out
        </button>
      </SiteHeader>
      <main id="main" className="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
