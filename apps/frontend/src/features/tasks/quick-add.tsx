"use client";

import { type FormEvent, useMemo, useState } from "react";
import { useAnnounce } from "@/lib/announcer";
import { useSession } from "@/lib/session";
import { useSchemaForm } from "@/lib/use-schema-form";
import { useTags } from "../tags/use-tags";
import { QuickAddChips } from "./quick-add-chips";
import { allDayDue, type ChipKind, parseQuickAdd } from "./quick-add-parse";
import { useDateParser, useQuickAddSave } from "./use-quick-add";
import { usePriorities } from "./use-tasks";

const HINT = "Try “Pay rent tomorrow 9am p1 #home” or “Water plants every Monday at 8”.";

/**
 * One line, Enter to add. Dates, `p1`–`p4`, `#tags` and `every …` are understood as you type and
 * shown as chips; removing a chip leaves its words in the title.
 */
export function QuickAdd({ disabled, defaultDay }: { disabled: boolean; defaultDay?: string | undefined }) {
  const { timeZone } = useSession();
  const [text, setText] = useState("");
  const [ignore, setIgnore] = useState<ReadonlySet<ChipKind>>(new Set());
  const [parser, requestParser] = useDateParser();
  const priorities = usePriorities().data ?? [];
  const tags = useTags().data ?? [];
  const form = useSchemaForm(["title", "template_title"]);
  const save = useQuickAddSave();
  const announce = useAnnounce();
  const parsed = useMemo(
    () =>
      parser && text.trim()
        ? parseQuickAdd(text, parser, { now: new Date(), timeZone, priorities, tags, ignore, defaultDay })
        : null,
    [parser, text, timeZone, priorities, tags, ignore, defaultDay],
  );
  const fieldError = form.errors.title ?? form.errors.template_title;
  const error = fieldError ? `Title ${fieldError}` : form.errors[""];

  async function add(event: FormEvent) {
    event.preventDefault();
    // Before the date parser has loaded: the line is the title, due on the default day.
    const due = defaultDay && !ignore.has("due") ? allDayDue(defaultDay, timeZone) : null;
    const result = parsed ?? { title: text, due, priority: null, tags: [], recurrence: null };
    const saved = await save(form, result);
    if (!saved) return;
    setText("");
    setIgnore(new Set());
    announce(saved.recurring ? `Added the repeating task “${saved.title}”` : `Added “${saved.title}”`);
  }

  return (
    <>
      <form className="quick-add" onSubmit={add} aria-label="Quick add">
        <label htmlFor="quick-add-title" className="visually-hidden">
          New task title
        </label>
        <input
          id="quick-add-title"
          type="text"
          placeholder="Add a task: “Pay rent tomorrow 9am p1 #home”"
          value={text}
          maxLength={300}
          disabled={disabled}
          autoComplete="off"
          onFocus={requestParser}
          aria-invalid={error ? true : undefined}
          aria-describedby={`quick-add-hint${parsed ? " quick-add-chips" : ""}${error ? " quick-add-error" : ""}`}
          onChange={(e) => {
            setText(e.target.value);
            if (!e.target.value.trim()) setIgnore(new Set());
            form.setErrors({});
          }}
        />
        <button type="submit" className="button button-primary" disabled={disabled || form.saving}>
          Add
        </button>
      </form>
      <p id="quick-add-hint" className="visually-hidden">
        {HINT}
      </p>
      {parsed ? (
        <QuickAddChips
          result={parsed}
          timeZone={timeZone}
          onRemove={(kind) => setIgnore((set) => new Set([...set, kind]))}
        />
      ) : null}
      {error ? (
        <p id="quick-add-error" className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </>
  );
}
