"use client";

import type { Task } from "@todo/contracts";
import { useCallback, useMemo, useRef, useState } from "react";
import { FormError } from "@/components/field";
import { Modal } from "@/components/modal";
import { useAnnounce } from "@/lib/announcer";
import { describeError } from "@/lib/api-client";
import { preloadContracts } from "@/lib/contracts";
import { QuickAdd } from "./quick-add";
import { type Filters, initialFilters, isFiltered, toQuery } from "./task-filter-model";
import { TaskFilters } from "./task-filters";
import { TaskForm } from "./task-form";
import { TaskList } from "./task-list";
import { useLiveInvalidation } from "./use-live-invalidation";
import { usePriorities, useTags } from "./use-tasks";

/** The tasks page: quick add, filters, the list and the task dialog; server state lives in the query cache. */
export function DashboardView() {
  const announce = useAnnounce();
  const priorities = usePriorities();
  const tags = useTags();
  const [filters, setFilters] = useState<Filters>(initialFilters);
  const [editing, setEditing] = useState<Task | "new" | null>(null);
  const query = useMemo(() => toQuery(filters), [filters]);
  const markedReady = useRef(false);
  useLiveInvalidation();

  const ready = priorities.isSuccess;
  const onListReady = useCallback(() => {
    if (markedReady.current || !ready) return;
    markedReady.current = true;
    performance.mark("todo:dashboard-interactive");
    preloadContracts();
  }, [ready]);

  function onSaved(task: Task) {
    const created = editing === "new";
    setEditing(null);
    announce(created ? `Added “${task.title}”` : `Saved “${task.title}”`);
  }

  const lookupError = priorities.error ?? tags.error;
  return (
    <section aria-labelledby="tasks-heading" className="stack">
      <div className="page-header">
        <h1 id="tasks-heading">Tasks</h1>
        <button
          type="button"
          className="button button-primary"
          onClick={() => setEditing("new")}
          disabled={!ready}
        >
          New task…
        </button>
      </div>
      <QuickAdd disabled={!ready} />
      <TaskFilters
        filters={filters}
        onChange={setFilters}
        priorities={priorities.data ?? []}
        tags={tags.data ?? []}
      />
      <FormError message={lookupError ? describeError(lookupError) : undefined} />
      <TaskList query={query} filtered={isFiltered(filters)} onEdit={setEditing} onReady={onListReady} />
      <Modal
        title={editing === "new" ? "New task" : "Edit task"}
        open={editing !== null}
        onClose={() => setEditing(null)}
      >
        {editing !== null ? (
          <TaskForm
            task={editing === "new" ? undefined : editing}
            onSaved={onSaved}
            onCancel={() => setEditing(null)}
          />
        ) : null}
      </Modal>
    </section>
  );
}
