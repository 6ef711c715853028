"use client";

import { type FormEvent, useState } from "react";
import { useAnnounce } from "@/lib/announcer";
import { useSchemaForm } from "@/lib/use-schema-form";
import { useSaveTask } from "./use-tasks";

/** One line, Enter to add: the title is checked with the API's own schema first. */
export function QuickAdd({ disabled }: { disabled: boolean }) {
  const [title, setTitle] = useState("");
  const form = useSchemaForm(["title"]);
  const save = useSaveTask();
  const announce = useAnnounce();
  const error = form.errors.title ? `Title ${form.errors.title}` : form.errors[""];

  async function add(event: FormEvent) {
    event.preventDefault();
    const task = await form.submit(
      (c) => c.CreateTaskBody,
      { title },
      (body) => save.mutateAsync({ body }),
    );
    if (!task) return;
    setTitle("");
    announce(`Added “${task.title}”`);
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
          placeholder="Add a task and press Enter"
          value={title}
          maxLength={200}
          disabled={disabled}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "quick-add-error" : undefined}
          onChange={(e) => {
            setTitle(e.target.value);
            form.setErrors({});
          }}
        />
        <button type="submit" className="button button-primary" disabled={disabled || form.saving}>
          Add
        </button>
      </form>
      {error ? (
        <p id="quick-add-error" className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </>
  );
}
