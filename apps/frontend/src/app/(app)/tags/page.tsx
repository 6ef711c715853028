import type { Metadata } from "next";
import { TagManager } from "@/features/tags/tag-manager";

export const metadata: Metadata = { title: "Tags · Todo" };

export default function TagsPage() {
  return <TagManager />;
}
