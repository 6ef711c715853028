"use client";

import type { RecurringTask } from "@todo/contracts";
import { useEffect, useState } from "react";
import { describeError } from "@/lib/api-client";
import { formatDateTime } from "@/lib/time-zone";
import { usePreview } from "./use-recurring";

/** "Show next occurrences": the next five dates, fetched when opened and again after each edit. */
export function OccurrencePreview({
  template,
  initiallyOpen,
}: {
  template: RecurringTask;
  initiallyOpen: boolean;
}) {
  const [open, setOpen] = useState(initiallyOpen);
  const preview = usePreview(template, open && template.updated_at !== "");
  const panelId = `preview-${template.id}`;

  useEffect(() => {
    if (initiallyOpen) setOpen(true);
  }, [initiallyOpen]);

  const dates = preview.data;
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
        {open && preview.isPending ? (
          <p role="status" className="muted">
            Loading…
          </p>
        ) : null}
        {preview.isError ? <p className="form-error">{describeError(preview.error)}</p> : null}
        {dates?.length === 0 ? <p className="muted">No more occurrences: this rule has ended.</p> : null}
        {dates && dates.length > 0 ? (
          <ol className="occurrences" aria-label={`Next occurrences of “${template.template_title}”`}>
            {dates.map((date) => (
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
