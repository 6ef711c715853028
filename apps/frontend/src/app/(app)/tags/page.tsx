import type { Metadata } from "next";
import { TagManager } from "@/components/tag-manager";

export const metadata: Metadata = { title: "Tags · Todo" };

export default function TagsPage() {
  return <TagManager />;
}
