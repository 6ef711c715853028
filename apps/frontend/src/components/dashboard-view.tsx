"use client";

import type { PageInfo, Priority, Tag, Task } from "@todo/contracts";
import { type FormEvent, useCallback, useEffect, useRef, useState } from "react";
import { useAnnounce } from "@/lib/announcer";
import { describeError, publicApi, type TaskQuery } from "@/lib/api-client";
import { loadContracts, preloadContracts } from "@/lib/contracts";
import { useLiveEvents } from "@/lib/live-events";
import { useSession } from "@/lib/session";
import { FormError } from "./field";
import { Modal } from "./modal";
import { TaskForm } from "./task-form";
import { TaskItem } from "./task-item";

const PAGE_SIZE = 20;
const SORTS = [
  { value: "due_date", label: "Due date" },
  { value: "priority", label: "Priority" },
  { value: "created_at", label: "Created" },
  { value: "title", label: "Title" },
] as const;
type Sort = (typeof SORTS)[number]["value"];
const DEFAULT_ORDER: Record<Sort, "asc" | "desc"> = {
  due_date: "asc",
  priority: "desc",
  created_at: "desc",
  title: "asc",
};

interface Filters {
  status: "" | "pending" | "completed";
  priorityId: string;
  tagId: string;
  search: string;
  sort: Sort;
  order: "asc" | "desc";
}

const initialFilters: Filters = {
  status: "",
  priorityId: "",
  tagId: "",
  search: "",
  sort: "created_at",
  order: "desc",
};

function toQuery(filters: Filters, offset: number, limit: number): TaskQuery {
  return {
    status: filters.status || undefined,
    priority_id: filters.priorityId ? Number(filters.priorityId) : undefined,
    tag_id: filters.tagId ? Number(filters.tagId) : undefined,
    search: filters.search.trim() || undefined,
    sort: filters.sort,
    order: filters.order,
    limit,
    offset,
  };
}

type ListState =
  | { status: "loading" }
  | { status: "error"; message: string }
  | { status: "ready"; items: Task[]; page: PageInfo };

export function DashboardView() {
  const { api, timeZone } = useSession();
  const announce = useAnnounce();
  const [filters, setFilters] = useState<Filters>(initialFilters);
  const [searchText, setSearchText] = useState("");
  const [list, setList] = useState<ListState>({ status: "loading" });
  const [loadingMore, setLoadingMore] = useState(false);
  const [priorities, setPriorities] = useState<Priority[]>([]);
  const [tags, setTags] = useState<Tag[]>([]);
  const [lookupError, setLookupError] = useState<string | undefined>();
  const [quickTitle, setQuickTitle] = useState("");
  const [quickError, setQuickError] = useState<string | undefined>();
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<Task | "new" | null>(null);
  const [busyIds, setBusyIds] = useState<Set<number>>(new Set());
  const [actionError, setActionError] = useState<string | undefined>();
  const [now, setNow] = useState(() => Date.now());
  const request = useRef(0);
  const loadedCount = useRef(PAGE_SIZE);
  const ownChanges = useRef(new Map<number, number>());
  const markedReady = useRef(false);

  // Reloads what is on screen (at least one page) for the current filters; the newest request wins.
  const reload = useCallback(
    async (limit: number) => {
      const id = ++request.current;
      try {
        const result = await api.tasks.list(toQuery(filters, 0, Math.min(100, Math.max(PAGE_SIZE, limit))));
        if (id !== request.current) return;
        loadedCount.current = result.items.length;
        setList({ status: "ready", items: result.items, page: result.page });
      } catch (error) {
        if (id !== request.current) return;
        setList({ status: "error", message: describeError(error) });
      }
    },
    [api, filters],
  );

  useEffect(() => {
    setList((current) => (current.status === "ready" ? current : { status: "loading" }));
    void reload(PAGE_SIZE);
  }, [reload]);

  useEffect(() => {
    Promise.all([publicApi.priorities(), api.tags.list()])
      .then(([p, t]) => {
        setPriorities(p);
        setTags(t);
      })
      .catch((error: unknown) => setLookupError(describeError(error)));
  }, [api]);

  // Search as you type, without a request per keystroke.
  useEffect(() => {
    const timer = setTimeout(
      () => setFilters((f) => (f.search === searchText ? f : { ...f, search: searchText })),
      250,
    );
    return () => clearTimeout(timer);
  }, [searchText]);

  // Overdue and due-soon highlighting follows the clock.
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(timer);
  }, []);

  useEffect(() => {
    if (markedReady.current || list.status !== "ready" || priorities.length === 0) return;
    markedReady.current = true;
    performance.mark("todo:dashboard-interactive");
    preloadContracts();
  }, [list.status, priorities.length]);

  // Live events come in bursts (a scheduler tick, another tab's edits): one refetch per burst,
  // as many rows as are on screen plus those created meanwhile.
  const refreshSoon = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const createdSinceRefresh = useRef(0);
  const scheduleRefresh = useCallback(
    (created = 0) => {
      createdSinceRefresh.current += created;
      clearTimeout(refreshSoon.current);
      refreshSoon.current = setTimeout(() => {
        const extra = createdSinceRefresh.current;
        createdSinceRefresh.current = 0;
        void reload(loadedCount.current + extra);
      }, 150);
    },
    [reload],
  );
  useEffect(() => () => clearTimeout(refreshSoon.current), []);

  const noteOwnChange = (id: number) => ownChanges.current.set(id, Date.now());
  const isOwnChange = (id: number) => {
    const at = ownChanges.current.get(id);
    return at !== undefined && Date.now() - at < 10_000;
  };

  useLiveEvents((event) => {
    if (event.type === "notification.created") return;
    if (event.type === "resync") {
      scheduleRefresh();
      return;
    }
    if (event.type === "task.due.approaching") {
      announce(`“${event.task.title}” is due soon`);
      return;
    }
    scheduleRefresh(event.type === "task.created" ? 1 : 0);
    if (event.type === "task.created" || event.type === "task.deleted") {
      // Tag counts shown in filters do not change otherwise; new tags may come from another tab.
      api.tags
        .list()
        .then(setTags)
        .catch(() => {});
    }
    if (isOwnChange(event.task.id)) return;
    const verb = {
      "task.created": "New task",
      "task.updated": "Task updated",
      "task.completed": "Task completed",
      "task.deleted": "Task deleted",
    }[event.type];
    announce(`${verb}: “${event.task.title}”`);
  });

  async function loadMore() {
    const cursor = list.status === "ready" ? list.page.next_cursor : null;
    if (!cursor) return;
    setLoadingMore(true);
    const id = request.current;
    try {
      // A keyset cursor: tasks created or deleted meanwhile neither repeat nor skip one.
      const result = await api.tasks.list({ ...toQuery(filters, 0, PAGE_SIZE), cursor });
      if (id !== request.current) return;
      setList((current) => {
        if (current.status !== "ready") return current;
        const seen = new Set(current.items.map((t) => t.id));
        const items = [...current.items, ...result.items.filter((t) => !seen.has(t.id))];
        loadedCount.current = items.length;
        return { status: "ready", items, page: result.page };
      });
    } catch (error) {
      setActionError(describeError(error));
    } finally {
      setLoadingMore(false);
    }
  }

  async function quickAdd(event: FormEvent) {
    event.preventDefault();
    const { TaskTitle } = await loadContracts();
    const parsed = TaskTitle.safeParse(quickTitle);
    if (!parsed.success) {
      setQuickError(`Title ${parsed.error.issues[0]?.message ?? "is invalid"}`);
      return;
    }
    setAdding(true);
    setQuickError(undefined);
    try {
      const task = await api.tasks.create({ title: parsed.data });
      noteOwnChange(task.id);
      setQuickTitle("");
      announce(`Added “${task.title}”`);
      await reload(loadedCount.current + 1);
    } catch (error) {
      setQuickError(describeError(error));
    } finally {
      setAdding(false);
    }
  }

  const setBusy = (id: number, busy: boolean) =>
    setBusyIds((ids) => {
      const next = new Set(ids);
      if (busy) next.add(id);
      else next.delete(id);
      return next;
    });

  function replaceTask(task: Task) {
    setList((current) =>
      current.status === "ready"
        ? { ...current, items: current.items.map((t) => (t.id === task.id ? task : t)) }
        : current,
    );
  }

  async function toggle(task: Task) {
    setBusy(task.id, true);
    setActionError(undefined);
    noteOwnChange(task.id);
    try {
      // The state asked for, not a toggle: a double click or a second tab cannot flip it back.
      const updated = await api.tasks.setComplete(task.id, !task.completed);
      replaceTask(updated);
      announce(updated.completed ? `Completed “${updated.title}”` : `“${updated.title}” is not done`);
      if (filters.status) scheduleRefresh();
    } catch (error) {
      setActionError(describeError(error));
    } finally {
      setBusy(task.id, false);
    }
  }

  async function remove(task: Task) {
    setActionError(undefined);
    noteOwnChange(task.id);
    try {
      await api.tasks.remove(task.id);
      setList((current) =>
        current.status === "ready"
          ? {
              ...current,
              items: current.items.filter((t) => t.id !== task.id),
              page: { ...current.page, total: Math.max(0, current.page.total - 1) },
            }
          : current,
      );
      announce(`Deleted “${task.title}”`);
      document.getElementById("quick-add-title")?.focus();
    } catch (error) {
      setActionError(describeError(error));
    }
  }

  function onSaved(task: Task) {
    noteOwnChange(task.id);
    const created = editing === "new";
    setEditing(null);
    replaceTask(task);
    announce(created ? `Added “${task.title}”` : `Saved “${task.title}”`);
    void reload(loadedCount.current + (created ? 1 : 0));
  }

  const update = (patch: Partial<Filters>) => setFilters((f) => ({ ...f, ...patch }));
  const filtered =
    filters.status !== "" ||
    filters.priorityId !== "" ||
    filters.tagId !== "" ||
    filters.search.trim() !== "";
  const ready = list.status === "ready" && priorities.length > 0;

  return (
    <section aria-labelledby="tasks-heading" className="stack">
      <div className="page-header">
        <h1 id="tasks-heading">Tasks</h1>
        <button
          type="button"
          className="button button-primary"
          onClick={() => setEditing("new")}
          disabled={priorities.length === 0}
        >
          New task…
        </button>
      </div>

      <form className="quick-add" onSubmit={quickAdd} aria-label="Quick add">
        <label htmlFor="quick-add-title" className="visually-hidden">
          New task title
        </label>
        <input
          id="quick-add-title"
          type="text"
          placeholder="Add a task and press Enter"
          value={quickTitle}
          maxLength={200}
          disabled={!ready}
          aria-invalid={quickError ? true : undefined}
          aria-describedby={quickError ? "quick-add-error" : undefined}
          onChange={(e) => {
            setQuickTitle(e.target.value);
            setQuickError(undefined);
          }}
        />
        <button type="submit" className="button button-primary" disabled={!ready || adding}>
          Add
        </button>
      </form>
      {quickError ? (
        <p id="quick-add-error" className="field-error" role="alert">
          {quickError}
        </p>
      ) : null}

      <search className="filters" aria-label="Filter and sort tasks">
        <div className="field">
          <label htmlFor="filter-search">Search</label>
          <input
            id="filter-search"
            type="search"
            placeholder="Title or description"
            value={searchText}
            onChange={(e) => setSearchText(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="filter-status">Status</label>
          <select
            id="filter-status"
            value={filters.status}
            onChange={(e) => update({ status: e.target.value as Filters["status"] })}
          >
            <option value="">All</option>
            <option value="pending">Pending</option>
            <option value="completed">Completed</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="filter-priority">Priority</label>
          <select
            id="filter-priority"
            value={filters.priorityId}
            onChange={(e) => update({ priorityId: e.target.value })}
          >
            <option value="">Any</option>
            {priorities.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="filter-tag">Tag</label>
          <select id="filter-tag" value={filters.tagId} onChange={(e) => update({ tagId: e.target.value })}>
            <option value="">Any</option>
            {tags.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="filter-sort">Sort by</label>
          <select
            id="filter-sort"
            value={filters.sort}
            onChange={(e) => {
              const sort = e.target.value as Sort;
              update({ sort, order: DEFAULT_ORDER[sort] });
            }}
          >
            {SORTS.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="filter-order">Order</label>
          <select
            id="filter-order"
            value={filters.order}
            onChange={(e) => update({ order: e.target.value as Filters["order"] })}
          >
            <option value="asc">Ascending</option>
            <option value="desc">Descending</option>
          </select>
        </div>
        {filtered ? (
          <button
            type="button"
            className="button button-quiet filters-reset"
            onClick={() => {
              setSearchText("");
              setFilters((f) => ({ ...initialFilters, sort: f.sort, order: f.order }));
            }}
          >
            Clear filters
          </button>
        ) : null}
      </search>

      <FormError message={actionError ?? lookupError} />

      {list.status === "loading" ? (
        <p role="status" className="muted">
          Loading tasks…
        </p>
      ) : null}
      {list.status === "error" ? (
        <div className="card" role="alert">
          <p>Could not load your tasks: {list.message}</p>
          <button type="button" className="button" onClick={() => void reload(loadedCount.current)}>
            Try again
          </button>
        </div>
      ) : null}
      {list.status === "ready" ? (
        <>
          <p className="muted" aria-live="polite" id="task-count">
            {list.page.total === 0
              ? ""
              : `Showing ${list.items.length} of ${list.page.total} ${list.page.total === 1 ? "task" : "tasks"}`}
          </p>
          {list.items.length === 0 ? (
            <div className="empty">
              {filtered ? (
                <p>No tasks match these filters.</p>
              ) : (
                <p>No tasks yet. Add your first one above.</p>
              )}
            </div>
          ) : (
            <ul className="task-list" aria-label="Tasks" aria-describedby="task-count">
              {list.items.map((task) => (
                <TaskItem
                  key={task.id}
                  task={task}
                  timeZone={timeZone}
                  now={now}
                  busy={busyIds.has(task.id)}
                  onToggle={toggle}
                  onEdit={setEditing}
                  onDelete={remove}
                />
              ))}
            </ul>
          )}
          {list.page.next_cursor != null ? (
            <button type="button" className="button load-more" onClick={loadMore} disabled={loadingMore}>
              {loadingMore ? "Loading…" : "Load more"}
            </button>
          ) : null}
        </>
      ) : null}

      <Modal
        title={editing === "new" ? "New task" : "Edit task"}
        open={editing !== null}
        onClose={() => setEditing(null)}
      >
        {editing !== null ? (
          <TaskForm
            task={editing === "new" ? undefined : editing}
            priorities={priorities}
            tags={tags}
            onTagCreated={(tag) =>
              setTags((list) => [...list, tag].sort((a, b) => a.name.localeCompare(b.name)))
            }
            onSaved={onSaved}
            onCancel={() => setEditing(null)}
          />
        ) : null}
      </Modal>
    </section>
  );
}
