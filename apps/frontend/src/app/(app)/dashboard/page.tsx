import type { Metadata } from "next";
import { Suspense } from "react";
import { DashboardView } from "@/features/tasks/dashboard-view";

export const metadata: Metadata = { title: "Tasks · Todo" };

// The view and filters come from the query string, which a static export reads in the browser only.
export default function DashboardPage() {
  return (
    <Suspense>
      <DashboardView />
    </Suspense>
  );
}
