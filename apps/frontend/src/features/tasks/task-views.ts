import type { Task } from "@todo/contracts";
import type { TaskQuery } from "../../lib/api-client";
import { addDays, localDate, startOfLocalDay } from "../../lib/time-zone";
import { DEFAULT_ORDER, type Filters, initialFilters, SORTS, type Sort, toQuery } from "./task-filter-model";

/** The views people live in (Todoist, TickTick); "all" is the inbox with every filter. */
export const VIEWS = [
  { id: "today", label: "Today", heading: "Today" },
  { id: "upcoming", label: "Upcoming", heading: "Upcoming" },
  { id: "all", label: "All", heading: "All tasks" },
  { id: "completed", label: "Completed", heading: "Completed" },
] as const;
export type View = (typeof VIEWS)[number]["id"];
/** The view the app opens on (no `?view=`): Today, as in Todoist and TickTick. */
export const DEFAULT_VIEW: View = "today";
export const UPCOMING_DAYS = 7;

/** The view and its filters, as the URL holds them. */
export interface ViewState {
  view: View;
  filters: Filters;
}

const isView = (value: string | null): value is View => VIEWS.some((v) => v.id === value);
const isSort = (value: string | null): value is Sort => SORTS.some((s) => s.value === value);

/**
 * Reads `?view=today&q=rent&priority=3&tag=2&status=pending&sort=title&order=asc`; anything
 * unknown falls back to the default, so an old or hand-edited link still opens.
 */
export function readViewState(params: URLSearchParams): ViewState {
  const view = params.get("view");
  const sort = params.get("sort");
  const order = params.get("order");
  const status = params.get("status");
  const id = (name: string) => (/^\d+$/.test(params.get(name) ?? "") ? (params.get(name) as string) : "");
  const sorted = isSort(sort) ? sort : initialFilters.sort;
  return {
    view: isView(view) ? view : DEFAULT_VIEW,
    filters: {
      status: status === "pending" || status === "completed" ? status : "",
      priorityId: id("priority"),
      tagId: id("tag"),
      search: params.get("q") ?? "",
      sort: sorted,
      order:
        order === "asc" || order === "desc"
          ? order
          : isSort(sort)
            ? DEFAULT_ORDER[sorted]
            : initialFilters.order,
    },
  };
}

/** The query string for a view state; defaults are left out, so links stay short. */
export function writeViewState({ view, filters }: ViewState): string {
  const params = new URLSearchParams();
  if (view !== DEFAULT_VIEW) params.set("view", view);
  if (filters.search) params.set("q", filters.search);
  if (filters.priorityId) params.set("priority", filters.priorityId);
  if (filters.tagId) params.set("tag", filters.tagId);
  if (view === "all" && filters.status) params.set("status", filters.status);
  if (filters.sort !== initialFilters.sort || filters.order !== initialFilters.order) {
    params.set("sort", filters.sort);
    params.set("order", filters.order);
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

/**
 * The API query for a view on the user's calendar day `today` ("2030-01-15" in their zone):
 * Today is every open task due before tomorrow starts (overdue ones first), Upcoming the open
 * tasks due from the start of today through the next 7 days, Completed the done ones, newest
 * first. Priority, tag and search apply to every view; status, sort and order to All only.
 */
export function viewQuery({ view, filters }: ViewState, today: string, timeZone: string): TaskQuery {
  const base = toQuery(filters);
  const byDue = { sort: "due_date", order: "asc" } as const;
  switch (view) {
    case "today":
      return {
        ...base,
        ...byDue,
        status: "pending",
        due_before: startOfLocalDay(addDays(today, 1), timeZone),
      };
    case "upcoming": {
      // due_after is exclusive: one millisecond before midnight keeps a task due at 00:00.
      const start = new Date(new Date(startOfLocalDay(today, timeZone)).getTime() - 1).toISOString();
      const end = startOfLocalDay(addDays(today, UPCOMING_DAYS), timeZone);
      return { ...base, ...byDue, status: "pending", due_after: start, due_before: end };
    }
    case "completed":
      return { ...base, status: "completed", sort: "created_at", order: "desc" };
    default:
      return base;
  }
}

/** The same query with no filters: what the navigation counts. */
export function countQuery(view: View, today: string, timeZone: string): TaskQuery {
  const query = viewQuery({ view, filters: initialFilters }, today, timeZone);
  return view === "all" ? { ...query, status: "pending" } : query;
}

export interface TaskGroup {
  key: string;
  label: string;
  tasks: Task[];
}

/**
 * Sections of a view's list: Today → "Overdue" then "Today"; Upcoming → one per local day
 * ("Today", "Tomorrow", "Wednesday, Jan 16"). Other views are one unlabelled group.
 */
export function groupTasks(view: View, tasks: Task[], today: string, timeZone: string): TaskGroup[] {
  if (view !== "today" && view !== "upcoming") return [{ key: "all", label: "", tasks }];
  const groups = new Map<string, TaskGroup>();
  for (const task of tasks) {
    const day = task.due_date ? localDate(task.due_date, timeZone) : today;
    const key = view === "today" ? (day < today ? "overdue" : "today") : day;
    let group = groups.get(key);
    if (!group) {
      group = { key, label: dayLabel(key, today, timeZone), tasks: [] };
      groups.set(key, group);
    }
    group.tasks.push(task);
  }
  // Overdue first whatever the order of arrival.
  return [...groups.values()].sort((a, b) => (a.key === "overdue" ? -1 : b.key === "overdue" ? 1 : 0));
}

function dayLabel(key: string, today: string, timeZone: string): string {
  if (key === "overdue") return "Overdue";
  if (key === "today" || key === today) return "Today";
  if (key === addDays(today, 1)) return "Tomorrow";
  // Noon of that day in the zone is safely inside it, whatever the DST rules.
  const noon = new Date(new Date(startOfLocalDay(key, timeZone)).getTime() + 12 * 3_600_000);
  return new Intl.DateTimeFormat(undefined, {
    timeZone,
    weekday: "long",
    month: "short",
    day: "numeric",
  }).format(noon);
}
