import type { MetadataRoute } from "next";

export const dynamic = "force-static";

export default function manifest(): MetadataRoute.Manifest {
  return {
    name: "Todo",
    short_name: "Todo",
    description: "Tasks with priorities, tags, due dates, reminders and recurring schedules.",
    id: "/dashboard/",
    start_url: "/dashboard/",
    scope: "/",
    display: "standalone",
    background_color: "#ffffff",
    theme_color: "#1d4ed8",
    categories: ["productivity"],
    shortcuts: [
      { name: "Today", url: "/dashboard/?view=today" },
      { name: "Upcoming", url: "/dashboard/?view=upcoming" },
    ],
    icons: [
      { src: "/icon-192.png", sizes: "192x192", type: "image/png" },
      { src: "/icon-512.png", sizes: "512x512", type: "image/png" },
    ],
  };
}
