"use client";

import type { RecurringTask } from "@todo/contracts";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { FormError } from "@/components/field";
import { useAnnounce } from "@/lib/announcer";
import { describeError } from "@/lib/api-client";
import { preloadContracts } from "@/lib/contracts";
import { usePriorities } from "../tasks/use-tasks";
import { RecurringForm } from "./recurring-form";
import { TemplateItem } from "./template-item";
import { useDeleteTemplate, useSetActive, useTemplates } from "./use-recurring";

/** Templates that create tasks on a schedule: create (?new=1), edit (?id=N), pause, delete, preview. */
export function RecurringView() {
  const announce = useAnnounce();
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const editId = params.get("id");
  const creating = params.get("new") !== null;
  const templates = useTemplates();
  const priorities = usePriorities();
  const setActive = useSetActive();
  const remove = useDeleteTemplate();
  const [actionError, setActionError] = useState<string | undefined>();
  const [justSaved, setJustSaved] = useState<number | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(preloadContracts, []);

  const go = (query: string) => router.push(query ? `${pathname}?${query}` : pathname, { scroll: false });
  const list = templates.data;
  const editing = editId && list ? list.find((t) => String(t.id) === editId) : undefined;
  const priorityList = priorities.data ?? [];

  function onSaved(template: RecurringTask) {
    setJustSaved(template.id);
    announce(`Saved “${template.template_title}”`);
    go("");
    headingRef.current?.focus();
  }

  /** Runs a change; its error shows above the list (the list itself was already put back). */
  async function act(change: () => Promise<unknown>, done: string, focusHeading = false) {
    setActionError(undefined);
    try {
      await change();
      announce(done);
      if (focusHeading) headingRef.current?.focus();
    } catch (error) {
      setActionError(describeError(error));
    }
  }

  const showForm = creating || editing !== undefined;
  return (
    <section className="stack" aria-labelledby="recurring-heading">
      <div className="page-header">
        <h1 id="recurring-heading" ref={headingRef} tabIndex={-1}>
          Recurring tasks
        </h1>
        {showForm ? null : (
          <button
            type="button"
            className="button button-primary"
            onClick={() => go("new=1")}
            disabled={priorityList.length === 0}
          >
            New recurring task
          </button>
        )}
      </div>
      <FormError
        message={actionError ?? (priorities.isError ? describeError(priorities.error) : undefined)}
      />

      {showForm && priorityList.length > 0 ? (
        <div className="card">
          <h2>{editing ? `Edit “${editing.template_title}”` : "New recurring task"}</h2>
          <RecurringForm
            key={editing?.id ?? "new"}
            template={editing}
            priorities={priorityList}
            onSaved={onSaved}
            onCancel={() => go("")}
          />
        </div>
      ) : null}
      {editId && list && !editing ? (
        <p role="alert" className="form-error">
          No recurring task with id {editId}.
        </p>
      ) : null}

      {templates.isPending ? (
        <p role="status" className="muted">
          Loading recurring tasks…
        </p>
      ) : null}
      {templates.isError ? (
        <div className="card" role="alert">
          <p>Could not load your recurring tasks: {describeError(templates.error)}</p>
          <button type="button" className="button" onClick={() => void templates.refetch()}>
            Try again
          </button>
        </div>
      ) : null}
      {list?.length === 0 && !showForm ? (
        <div className="empty">
          <p>
            No recurring tasks yet. Create one for chores that come back: a weekly review, rent on the 1st.
          </p>
        </div>
      ) : null}
      {list && list.length > 0 ? (
        <ul className="template-list" aria-label="Your recurring tasks">
          {list.map((t) => (
            <TemplateItem
              key={t.id}
              template={t}
              justSaved={justSaved === t.id}
              onEdit={() => go(`id=${t.id}`)}
              onSetActive={(isActive) =>
                void act(
                  () => setActive.mutateAsync({ template: t, isActive }),
                  `${isActive ? "Resumed" : "Paused"} “${t.template_title}”`,
                )
              }
              onDelete={() => act(() => remove.mutateAsync(t), `Deleted “${t.template_title}”`, true)}
            />
          ))}
        </ul>
      ) : null}
    </section>
  );
}
