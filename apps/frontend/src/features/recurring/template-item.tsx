"use client";

import type { RecurringTask } from "@todo/contracts";
import { ConfirmButton } from "@/components/confirm-button";
import { formatDateTime } from "@/lib/time-zone";
import { describeEnd, describeLead, describeRule } from "./describe-template";
import { OccurrencePreview } from "./occurrence-preview";

interface TemplateItemProps {
  template: RecurringTask;
  justSaved: boolean;
  onEdit: () => void;
  onSetActive: (isActive: boolean) => void;
  onDelete: () => Promise<void>;
}

/** One template in the list: its rule, next occurrence and options; edit, pause/resume, delete, preview. */
export function TemplateItem({ template: t, justSaved, onEdit, onSetActive, onDelete }: TemplateItemProps) {
  return (
    <li className="card template" data-template-id={t.id}>
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
          <time dateTime={t.next_occurrence}>{formatDateTime(t.next_occurrence, t.timezone, true)}</time> ·{" "}
          {describeEnd(t)}
          {t.catch_up === "all" ? " · catches up every missed task" : ""}
          {t.repeat_from === "completion" ? " · repeats from completion" : ""}
          {t.lead_time_minutes > 0 ? ` · created ${describeLead(t.lead_time_minutes)} ahead` : ""}
        </p>
      </div>
      <div className="row template-actions">
        <button type="button" className="button" onClick={onEdit} aria-label={`Edit “${t.template_title}”`}>
          Edit
        </button>
        <button
          type="button"
          className="button"
          onClick={() => onSetActive(!t.is_active)}
          aria-label={`${t.is_active ? "Pause" : "Resume"} “${t.template_title}”`}
        >
          {t.is_active ? "Pause" : "Resume"}
        </button>
        <ConfirmButton
          label="Delete"
          ariaLabel={`Delete “${t.template_title}”`}
          question={`Delete “${t.template_title}”? Tasks it created stay.`}
          onConfirm={onDelete}
        />
      </div>
      <OccurrencePreview template={t} initiallyOpen={justSaved} />
    </li>
  );
}
