import type { Metadata } from "next";
import { Suspense } from "react";
import { ActivityView } from "@/features/activity/activity-view";

export const metadata: Metadata = { title: "Activity · Todo" };

// ?task_id=3 opens one task's activity: a static export has no [id] routes.
export default function ActivityPage() {
  return (
    <Suspense fallback={<p className="muted">Loading…</p>}>
      <ActivityView />
    </Suspense>
  );
}
