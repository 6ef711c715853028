import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import { Announcer } from "@/lib/announcer";
import "./globals.css";

export const metadata: Metadata = {
  title: "Todo",
  description: "Tasks with priorities, tags, due dates, reminders and recurring schedules.",
};

export const viewport: Viewport = {
  width: "device-width",
  initialScale: 1,
  colorScheme: "light dark",
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#1d4ed8" },
    { media: "(prefers-color-scheme: dark)", color: "#0f172a" },
  ],
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <Announcer>{children}</Announcer>
      </body>
    </html>
  );
}
