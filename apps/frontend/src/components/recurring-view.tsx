"use client";

import type { Priority, RecurringTask } from "@todo/contracts";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";
import { useAnnounce } from "@/lib/announcer";
import { describeError, publicApi } from "@/lib/api-client";
import { preloadContracts } from "@/lib/contracts";
import { useSession } from "@/lib/session";
import { formatDateTime } from "@/lib/time-zone";
import { ConfirmButton } from "./confirm-button";
import { FormError } from "./field";
import { RecurringForm, WEEKDAYS } from "./recurring-form";

type State =
  | { status: "loading" }
  | { status: "error"; message: string }
  | { status: "ready"; templates: RecurringTask[] };

export function describeRule(t: RecurringTask): string {
  const every = (unit: string) => (t.interval === 1 ? `Every ${unit}` : `Every ${t.interval} ${unit}s`);
  switch (t.recurrence_pattern) {
    case "daily":
      return every("day");
    case "weekly": {
      const days = (t.weekdays ?? [])
        .map((d) => WEEKDAYS.find((w) => w.iso === d)?.short)
        .filter(Boolean)
        .join(", ");
      return days ? `${every("week")} on ${days}` : every("week");
    }
    case "monthly":
      return every("month");
    case "yearly":
      return every("year");
    case "custom":
      return `Cron “${t.cron_expression ?? ""}”`;
  }
}

function describeLead(minutes: number): string {
  if (minutes % 1440 === 0) return minutes === 1440 ? "1 day" : `${minutes / 1440} days`;
  if (minutes % 60 === 0) return minutes === 60 ? "1 hour" : `${minutes / 60} hours`;
  return `${minutes} min`;
}

function describeEnd(t: RecurringTask): string {
  if (t.ends_at) return `until ${formatDateTime(t.ends_at, t.timezone)}`;
  if (t.max_occurrences) return `${t.occurrences_created} of ${t.max_occurrences} created`;
  return `${t.occurrences_created} created so far`;
}

/** Templates that create tasks on a schedule: create, edit (?id=N), pause, delete, preview. */
export function RecurringView() {
  const { api } = useSession();
  const announce = useAnnounce();
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const editId = params.get("id");
  const creating = params.get("new") !== null;
  const [state, setState] = useState<State>({ status: "loading" });
  const [priorities, setPriorities] = useState<Priority[]>([]);
  const [actionError, setActionError] = useState<string | undefined>();
  const [justSaved, setJustSaved] = useState<number | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);

  const load = useCallback(
    () =>
      api.recurring
        .list()
        .then((templates) => setState({ status: "ready", templates }))
        .catch((error: unknown) => setState({ status: "error", message: describeError(error) })),
    [api],
  );

  useEffect(() => {
    void load();
    preloadContracts();
    publicApi
      .priorities()
      .then(setPriorities)
      .catch((error: unknown) => setActionError(describeError(error)));
  }, [load]);

  const go = (query: string) => router.push(query ? `${pathname}?${query}` : pathname, { scroll: false });
  const editing =
    editId && state.status === "ready" ? state.templates.find((t) => String(t.id) === editId) : undefined;

  function onSaved(template: RecurringTask) {
    setState((s) => {
      if (s.status !== "ready") return s;
      const exists = s.templates.some((t) => t.id === template.id);
      return {
        ...s,
        templates: exists
          ? s.templates.map((t) => (t.id === template.id ? template : t))
          : [...s.templates, template],
      };
    });
    setJustSaved(template.id);
    announce(`Saved “${template.template_title}”`);
    go("");
    headingRef.current?.focus();
  }

  async function setActive(template: RecurringTask, isActive: boolean) {
    setActionError(undefined);
    try {
      const updated = await api.recurring.update(template.id, { is_active: isActive });
      setState((s) =>
        s.status === "ready"
          ? { ...s, templates: s.templates.map((t) => (t.id === updated.id ? updated : t)) }
          : s,
      );
      announce(`${isActive ? "Resumed" : "Paused"} “${updated.template_title}”`);
    } catch (error) {
      setActionError(describeError(error));
    }
  }

  async function remove(template: RecurringTask) {
    setActionError(undefined);
    try {
      await api.recurring.remove(template.id);
      setState((s) =>
        s.status === "ready" ? { ...s, templates: s.templates.filter((t) => t.id !== template.id) } : s,
      );
      announce(`Deleted “${template.template_title}”`);
      headingRef.current?.focus();
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
            disabled={priorities.length === 0}
          >
            New recurring task
          </button>
        )}
      </div>
      <FormError message={actionError} />

      {showForm && priorities.length > 0 ? (
        <div className="card">
          <h2>{editing ? `Edit “${editing.template_title}”` : "New recurring task"}</h2>
          <RecurringForm
            key={editing?.id ?? "new"}
            template={editing}
            priorities={priorities}
            onSaved={onSaved}
            onCancel={() => go("")}
          />
        </div>
      ) : null}
      {editId && state.status === "ready" && !editing ? (
        <p role="alert" className="form-error">
          No recurring task with id {editId}.
        </p>
      ) : null}

      {state.status === "loading" ? (
        <p role="status" className="muted">
          Loading recurring tasks…
        </p>
      ) : null}
      {state.status === "error" ? (
        <div className="card" role="alert">
          <p>Could not load your recurring tasks: {state.message}</p>
          <button type="button" className="button" onClick={() => void load()}>
            Try again
          </button>
        </div>
      ) : null}
      {state.status === "ready" && state.templates.length === 0 && !showForm ? (
        <div className="empty">
          <p>
            No recurring tasks yet. Create one for chores that come back: a weekly review, rent on the 1st.
          </p>
        </div>
      ) : null}
      {state.status === "ready" && state.templates.length > 0 ? (
        <ul className="template-list" aria-label="Your recurring tasks">
          {state.templates.map((t) => (
            <li key={t.id} className="card template" data-template-id={t.id}>
              <div className="template-main">
                <h2 className="template-title">
                  {t.template_title}
                  {t.is_active ? null : <span className="status-pill">Paused</span>}
                </h2>
                <p>
                  {describeRule(t)} · {t.timezone}
                </p>
                <p className="muted">
                  Next:{" "}
                  <time dateTime={t.next_occurrence}>
                    {formatDateTime(t.next_occurrence, t.timezone, true)}
                  </time>{" "}
                  · {describeEnd(t)}
                  {t.catch_up === "all" ? " · catches up every missed task" : ""}
                  {t.repeat_from === "completion" ? " · repeats from completion" : ""}
                  {t.lead_time_minutes > 0 ? ` · created ${describeLead(t.lead_time_minutes)} ahead` : ""}
                </p>
              </div>
              <div className="row template-actions">
                <button
                  type="button"
                  className="button"
                  onClick={() => go(`id=${t.id}`)}
                  aria-label={`Edit “${t.template_title}”`}
                >
                  Edit
                </button>
                <button
                  type="button"
                  className="button"
                  onClick={() => void setActive(t, !t.is_active)}
                  aria-label={`${t.is_active ? "Pause" : "Resume"} “${t.template_title}”`}
                >
                  {t.is_active ? "Pause" : "Resume"}
                </button>
                <ConfirmButton
                  label="Delete"
                  ariaLabel={`Delete “${t.template_title}”`}
                  question={`Delete “${t.template_title}”? Tasks it created stay.`}
                  onConfirm={() => remove(t)}
                />
              </div>
              <OccurrencePreview template={t} initiallyOpen={justSaved === t.id} />
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

type PreviewState =
  | { status: "idle" | "loading" }
  | { status: "error"; message: string }
  | { status: "ready"; dates: string[] };

function OccurrencePreview({ template, initiallyOpen }: { template: RecurringTask; initiallyOpen: boolean }) {
  const { api } = useSession();
  const [open, setOpen] = useState(initiallyOpen);
  const [preview, setPreview] = useState<PreviewState>({ status: "idle" });
  const panelId = `preview-${template.id}`;

  useEffect(() => {
    if (initiallyOpen) setOpen(true);
  }, [initiallyOpen]);

  // Refetched whenever the template changes (its updated_at moves), so an edit shows its new dates.
  useEffect(() => {
    if (!open || template.updated_at === "") return;
    let cancelled = false;
    setPreview({ status: "loading" });
    api.recurring
      .preview(template.id, 5)
      .then((dates) => !cancelled && setPreview({ status: "ready", dates }))
      .catch(
        (error: unknown) => !cancelled && setPreview({ status: "error", message: describeError(error) }),
      );
    return () => {
      cancelled = true;
    };
  }, [open, api, template.id, template.updated_at]);

  return (
    <div className="preview">
      <button
        type="button"
        className="button button-quiet"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((o) => !o)}
      >
        {open ? "Hide next occurrences" : "Show next occurrences"}
      </button>
      <div id={panelId} hidden={!open}>
        {preview.status === "loading" ? (
          <p role="status" className="muted">
            Loading…
          </p>
        ) : null}
        {preview.status === "error" ? <p className="form-error">{preview.message}</p> : null}
        {preview.status === "ready" && preview.dates.length === 0 ? (
          <p className="muted">No more occurrences: this rule has ended.</p>
        ) : null}
        {preview.status === "ready" && preview.dates.length > 0 ? (
          <ol className="occurrences" aria-label={`Next occurrences of “${template.template_title}”`}>
            {preview.dates.map((date) => (
              <li key={date}>
                <time dateTime={date}>{formatDateTime(date, template.timezone, true)}</time>
              </li>
            ))}
          </ol>
        ) : null}
      </div>
    </div>
  );
}
