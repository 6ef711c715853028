import type { TaskQuery } from "../../lib/api-client";

export const SORTS = [
  { value: "due_date", label: "Due date" },
  { value: "priority", label: "Priority" },
  { value: "created_at", label: "Created" },
  { value: "title", label: "Title" },
] as const;
export type Sort = (typeof SORTS)[number]["value"];
export const DEFAULT_ORDER: Record<Sort, "asc" | "desc"> = {
  due_date: "asc",
  priority: "desc",
  created_at: "desc",
  title: "asc",
};

export interface Filters {
  status: "" | "pending" | "completed";
  priorityId: string;
  tagId: string;
  search: string;
  sort: Sort;
  order: "asc" | "desc";
}

export const initialFilters: Filters = {
  status: "",
  priorityId: "",
  tagId: "",
  search: "",
  sort: "created_at",
  order: "desc",
};

/** Whether anything narrows the list (sort and order do not). */
export function isFiltered(filters: Filters): boolean {
  return (
    filters.status !== "" || filters.priorityId !== "" || filters.tagId !== "" || filters.search.trim() !== ""
  );
}

/** The API query for the filters (paging is added by the list). */
export function toQuery(filters: Filters): TaskQuery {
  return {
    status: filters.status || undefined,
    priority_id: filters.priorityId ? Number(filters.priorityId) : undefined,
    tag_id: filters.tagId ? Number(filters.tagId) : undefined,
    search: filters.search.trim() || undefined,
    sort: filters.sort,
    order: filters.order,
  };
}
