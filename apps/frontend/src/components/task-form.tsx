"use client";

import type { CreateTaskBody, Priority, Tag, Task } from "@todo/contracts";
import { type FormEvent, type KeyboardEvent, useId, useState } from "react";
import { ApiError, describeError } from "@/lib/api-client";
import { paletteColor } from "@/lib/color";
import { loadContracts } from "@/lib/contracts";
import { apiErrors, type FieldErrors, zodErrors } from "@/lib/form-errors";
import { useSession } from "@/lib/session";
import { fromZonedInput, toZonedInput } from "@/lib/time-zone";
import { TagChip } from "./badges";
import { Field, FieldError, FormError } from "./field";
import { TaskHistory } from "./task-history";

const FIELDS = [
  "title",
  "description",
  "priority_id",
  "tag_ids",
  "due_date",
  "reminder_offsets_minutes",
] as const;

export const REMINDER_PRESETS = [
  { minutes: 1440, label: "1 day before" },
  { minutes: 60, label: "1 hour before" },
  { minutes: 10, label: "10 minutes before" },
];

export function describeOffset(minutes: number): string {
  const preset = REMINDER_PRESETS.find((p) => p.minutes === minutes);
  if (preset) return preset.label;
  if (minutes === 0) return "At the due time";
  if (minutes % 1440 === 0) return `${minutes / 1440} days before`;
  if (minutes % 60 === 0) return `${minutes / 60} hours before`;
  return `${minutes} minutes before`;
}

interface TaskFormProps {
  task?: Task | undefined;
  priorities: Priority[];
  tags: Tag[];
  onTagCreated: (tag: Tag) => void;
  onSaved: (task: Task) => void;
  onCancel: () => void;
}

/** Create or edit a task; the schemas are the API's own, so the form and the server agree. */
export function TaskForm({
  task: initial,
  priorities,
  tags,
  onTagCreated,
  onSaved,
  onCancel,
}: TaskFormProps) {
  const { api, timeZone } = useSession();
  // The version the fields were filled from; after a conflict, the fresh one.
  const [task, setTask] = useState(initial);
  const [conflict, setConflict] = useState<string | undefined>();
  const uid = useId();
  const defaultPriority = priorities.find((p) => p.name === "Medium") ?? priorities[0];
  const [title, setTitle] = useState(task?.title ?? "");
  const [description, setDescription] = useState(task?.description ?? "");
  const [priorityId, setPriorityId] = useState(String(task?.priority_id ?? defaultPriority?.id ?? ""));
  const [tagIds, setTagIds] = useState<number[]>(task?.tags.map((t) => t.id) ?? []);
  const [due, setDue] = useState(toZonedInput(task?.due_date, timeZone));
  const [reminders, setReminders] = useState<number[]>(task?.reminder_offsets_minutes ?? []);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [saving, setSaving] = useState(false);
  const [newTag, setNewTag] = useState("");
  const [tagError, setTagError] = useState<string | undefined>();
  const [creatingTag, setCreatingTag] = useState(false);

  const reminderChoices = [
    ...REMINDER_PRESETS.map((p) => p.minutes),
    ...reminders.filter((m) => !REMINDER_PRESETS.some((p) => p.minutes === m)),
  ];

  const toggleTag = (id: number) =>
    setTagIds((ids) => (ids.includes(id) ? ids.filter((x) => x !== id) : [...ids, id]));
  const toggleReminder = (minutes: number) =>
    setReminders((list) => (list.includes(minutes) ? list.filter((m) => m !== minutes) : [...list, minutes]));

  async function createTag() {
    const { CreateTagBody } = await loadContracts();
    const parsed = CreateTagBody.safeParse({ name: newTag, color: paletteColor(tags.length) });
    if (!parsed.success) {
      setTagError(parsed.error.issues[0]?.message);
      return;
    }
    setCreatingTag(true);
    setTagError(undefined);
    try {
      const tag = await api.tags.create(parsed.data);
      onTagCreated(tag);
      setTagIds((ids) => [...ids, tag.id]);
      setNewTag("");
    } catch (error) {
      const mapped = apiErrors(error, ["name"]);
      setTagError(mapped.name ?? mapped[""]);
    } finally {
      setCreatingTag(false);
    }
  }

  function onNewTagKey(event: KeyboardEvent<HTMLInputElement>) {
    // Enter here adds the tag; it must not submit the task form around it.
    if (event.key === "Enter") {
      event.preventDefault();
      void createTag();
    }
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const dueDate = due ? fromZonedInput(due, timeZone) : null;
    if (due && !dueDate) {
      setErrors({ due_date: "enter a date and a time" });
      return;
    }
    const body = {
      title,
      description: description.trim() ? description : null,
      ...(priorityId ? { priority_id: Number(priorityId) } : {}),
      tag_ids: tagIds,
      due_date: dueDate,
      reminder_offsets_minutes: dueDate && reminders.length > 0 ? [...reminders].sort((a, b) => b - a) : null,
    };
    const { CreateTaskBody, UpdateTaskBody } = await loadContracts();
    const parsed = task ? UpdateTaskBody.safeParse(body) : CreateTaskBody.safeParse(body);
    if (!parsed.success) {
      setErrors(zodErrors(parsed.error, FIELDS));
      return;
    }
    setSaving(true);
    setErrors({});
    try {
      // The create schema accepted the same body, so its required title is there.
      const saved = task
        ? await api.tasks.update(task.id, parsed.data, task.version)
        : await api.tasks.create(parsed.data as CreateTaskBody);
      onSaved(saved);
    } catch (error) {
      if (task && error instanceof ApiError && error.status === 412) {
        await showFresh(task.id);
        return;
      }
      setErrors(apiErrors(error, FIELDS));
    } finally {
      setSaving(false);
    }
  }

  /** The task was changed elsewhere: show it as it is now, and say what was not saved. */
  async function showFresh(taskId: number) {
    const mine = title;
    try {
      const fresh = await api.tasks.get(taskId);
      setTask(fresh);
      setTitle(fresh.title);
      setDescription(fresh.description ?? "");
      setPriorityId(String(fresh.priority_id));
      setTagIds(fresh.tags.map((t) => t.id));
      setDue(toZonedInput(fresh.due_date, timeZone));
      setReminders(fresh.reminder_offsets_minutes ?? []);
      setConflict(
        `This task was changed elsewhere (another tab or device) while you edited it, so your changes were not saved. The form now shows the current version${mine !== fresh.title ? ` (your title was “${mine}”)` : ""}: make your change again and save.`,
      );
    } catch (error) {
      setErrors({ "": describeError(error) });
    }
  }

  const id = (name: string) => `${uid}-${name}`;
  return (
    <>
      <form className="form" onSubmit={submit} noValidate aria-label={task ? "Edit task" : "New task"}>
        {conflict ? (
          <p className="form-error conflict" role="alert" data-testid="edit-conflict">
            {conflict}
          </p>
        ) : null}
        <FormError message={errors[""]} />
        <Field id={id("title")} name="title" label="Title" error={errors.title}>
          {(p) => (
            <input
              {...p}
              type="text"
              required
              maxLength={200}
              value={title}
              onChange={(e) => setTitle(e.target.value)}
            />
          )}
        </Field>
        <Field id={id("description")} name="description" label="Description" error={errors.description}>
          {(p) => (
            <textarea {...p} rows={3} value={description} onChange={(e) => setDescription(e.target.value)} />
          )}
        </Field>
        <Field id={id("priority")} name="priority_id" label="Priority" error={errors.priority_id}>
          {(p) => (
            <select {...p} value={priorityId} onChange={(e) => setPriorityId(e.target.value)}>
              {priorities.map((priority) => (
                <option key={priority.id} value={priority.id}>
                  {priority.name}
                </option>
              ))}
            </select>
          )}
        </Field>

        <fieldset className="fieldset" aria-describedby={errors.tag_ids ? id("tags-error") : undefined}>
          <legend>Tags</legend>
          {tags.length === 0 ? <p className="hint">No tags yet. Create one below.</p> : null}
          <div className="tag-options">
            {tags.map((tag) => (
              <label key={tag.id} className="tag-option">
                <input type="checkbox" checked={tagIds.includes(tag.id)} onChange={() => toggleTag(tag.id)} />
                <TagChip tag={tag} />
              </label>
            ))}
          </div>
          <div className="inline-create">
            <label htmlFor={id("new-tag")} className="visually-hidden">
              New tag name
            </label>
            <input
              id={id("new-tag")}
              type="text"
              placeholder="New tag"
              maxLength={50}
              value={newTag}
              aria-invalid={tagError ? true : undefined}
              aria-describedby={tagError ? id("new-tag-error") : undefined}
              onChange={(e) => setNewTag(e.target.value)}
              onKeyDown={onNewTagKey}
            />
            <button type="button" className="button" onClick={() => void createTag()} disabled={creatingTag}>
              Create tag
            </button>
          </div>
          <FieldError id={id("new-tag-error")} message={tagError} />
          <FieldError id={id("tags-error")} message={errors.tag_ids} />
        </fieldset>

        <Field
          id={id("due")}
          name="due_date"
          label="Due"
          error={errors.due_date}
          hint={`Date and time in ${timeZone}. Leave empty for no due date.`}
        >
          {(p) => (
            <div className="row">
              <input {...p} type="datetime-local" value={due} onChange={(e) => setDue(e.target.value)} />
              {due ? (
                <button type="button" className="button button-quiet" onClick={() => setDue("")}>
                  Clear
                </button>
              ) : null}
            </div>
          )}
        </Field>

        <fieldset className="fieldset" aria-describedby={id("reminders-hint")}>
          <legend>Reminders</legend>
          <p id={id("reminders-hint")} className="hint">
            {due ? "Get notified before the task is due." : "Set a due date to get reminders."}
          </p>
          <div className="checkbox-row">
            {reminderChoices.map((minutes) => (
              <label key={minutes} className="checkbox">
                <input
                  type="checkbox"
                  name="reminder_offsets_minutes"
                  checked={reminders.includes(minutes)}
                  disabled={!due}
                  onChange={() => toggleReminder(minutes)}
                />
                {describeOffset(minutes)}
              </label>
            ))}
          </div>
          <FieldError message={errors.reminder_offsets_minutes} />
        </fieldset>

        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={saving}>
            {saving ? "Saving…" : task ? "Save changes" : "Add task"}
          </button>
          <button type="button" className="button button-quiet" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
      {task ? <TaskHistory taskId={task.id} priorities={priorities} tags={tags} /> : null}
    </>
  );
}
