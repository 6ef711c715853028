"use client";

import type { Task } from "@todo/contracts";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { FormError } from "@/components/field";
import { Modal } from "@/components/modal";
import { useAnnounce } from "@/lib/announcer";
import { describeError } from "@/lib/api-client";
import { preloadContracts } from "@/lib/contracts";
import { useSession } from "@/lib/session";
import { localDate } from "@/lib/time-zone";
import { useTags } from "../tags/use-tags";
import { QuickAdd } from "./quick-add";
import { ShortcutsHelp } from "./shortcuts-help";
import { type Filters, isFiltered } from "./task-filter-model";
import { TaskFilters } from "./task-filters";
import { TaskForm } from "./task-form";
import { TaskList } from "./task-list";
import { groupTasks, VIEWS, viewQuery } from "./task-views";
import { UndoToast } from "./undo-toast";
import { usePageShortcuts } from "./use-keyboard";
import { preloadDateParser } from "./use-quick-add";
import { useTaskActions } from "./use-task-actions";
import { usePriorities } from "./use-tasks";
import { useViewState } from "./use-view-state";
import { ViewNav } from "./view-nav";

const EMPTY = {
  today: "Nothing due today.",
  upcoming: "Nothing due in the next 7 days.",
  all: "No tasks yet. Add your first one above.",
  completed: "No completed tasks yet.",
};

/** The user's calendar day, renewed each minute so the views move on at midnight. */
function useToday(timeZone: string): string {
  const [today, setToday] = useState(() => localDate(new Date(), timeZone));
  useEffect(() => {
    setToday(localDate(new Date(), timeZone));
    const timer = setInterval(() => setToday(localDate(new Date(), timeZone)), 60_000);
    return () => clearInterval(timer);
  }, [timeZone]);
  return today;
}

/** The tasks page: views, quick add, filters, the list and the task dialog; server state lives in the query cache. */
export function DashboardView() {
  const { timeZone } = useSession();
  const announce = useAnnounce();
  const priorities = usePriorities();
  const tags = useTags();
  const [state, setState] = useViewState();
  const today = useToday(timeZone);
  const [editing, setEditing] = useState<Task | "new" | null>(null);
  const [help, setHelp] = useState(false);
  const actions = useTaskActions();
  usePageShortcuts(useCallback(() => setHelp(true), []));
  const query = useMemo(() => viewQuery(state, today, timeZone), [state, today, timeZone]);
  const group = useCallback(
    (tasks: Task[]) => groupTasks(state.view, tasks, today, timeZone),
    [state.view, today, timeZone],
  );
  const markedReady = useRef(false);
  const [listShown, setListShown] = useState(false);

  const ready = priorities.isSuccess;
  const onListReady = useCallback(() => {
    setListShown(true);
    if (markedReady.current || !ready) return;
    markedReady.current = true;
    performance.mark("todo:dashboard-interactive");
    preloadContracts();
    preloadDateParser();
  }, [ready]);

  function onSaved(task: Task) {
    const created = editing === "new";
    setEditing(null);
    announce(created ? `Added “${task.title}”` : `Saved “${task.title}”`);
  }

  const setFilters = useCallback(
    (patch: Partial<Filters>) => setState((s) => ({ ...s, filters: { ...s.filters, ...patch } })),
    [setState],
  );
  const heading = VIEWS.find((v) => v.id === state.view)?.heading ?? "Tasks";
  const lookupError = priorities.error ?? tags.error;
  return (
    <section aria-labelledby="tasks-heading" className="stack">
      <div className="page-header">
        <h1 id="tasks-heading">{heading}</h1>
        <button
          type="button"
          className="button button-primary"
          onClick={() => setEditing("new")}
          disabled={!ready}
        >
          New task…
        </button>
      </div>
      <ViewNav state={state} counted={listShown} today={today} timeZone={timeZone} />
      {/* In Today, what is added without a date is due today (all day), so it stays in view. */}
      <QuickAdd disabled={!ready} defaultDay={state.view === "today" ? today : undefined} />
      <TaskFilters
        filters={state.filters}
        full={state.view === "all"}
        onChange={setFilters}
        priorities={priorities.data ?? []}
        tags={tags.data ?? []}
      />
      <FormError message={actions.error ?? (lookupError ? describeError(lookupError) : undefined)} />
      {/* A new view starts empty instead of showing the last view's rows while it loads. */}
      <TaskList
        key={state.view}
        query={query}
        group={group}
        empty={isFiltered(state.filters) ? "No tasks match these filters." : EMPTY[state.view]}
        actions={actions}
        onEdit={setEditing}
        onReady={onListReady}
      />
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
      <Modal title="Keyboard shortcuts" open={help} onClose={() => setHelp(false)}>
        <ShortcutsHelp />
      </Modal>
      <UndoToast toast={actions.toast} onDone={actions.dismiss} />
      <p className="muted shortcuts-hint">
        Press <kbd>?</kbd> for keyboard shortcuts.
      </p>
    </section>
  );
}
