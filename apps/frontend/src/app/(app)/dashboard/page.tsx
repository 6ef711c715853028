import type { Metadata } from "next";
import { DashboardView } from "@/features/tasks/dashboard-view";

export const metadata: Metadata = { title: "Tasks · Todo" };

export default function DashboardPage() {
  return <DashboardView />;
}
