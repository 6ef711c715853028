import type { Metadata } from "next";
import { Suspense } from "react";
import { RecurringView } from "@/features/recurring/recurring-view";

export const metadata: Metadata = { title: "Recurring tasks · Todo" };

// The template being edited is in the query string (?id=3): a static export has no [id] routes.
export default function RecurringPage() {
  return (
    <Suspense fallback={<p className="muted">Loading…</p>}>
      <RecurringView />
    </Suspense>
  );
}
