"use client";

import type { Task } from "@todo/contracts";
import { type FormEvent, useId, useState } from "react";
import { Field, FormActions, FormError } from "@/components/field";
import { ApiError, describeError } from "@/lib/api-client";
import { useSession } from "@/lib/session";
import { allDayInstant, fromZonedInput, isAllDay, toZonedInput } from "@/lib/time-zone";
import { useSchemaForm } from "@/lib/use-schema-form";
import { TaskHistory } from "../activity/task-history";
import { useTags } from "../tags/use-tags";
import { DueField, type DueValue } from "./due-field";
import { ReminderPicker } from "./reminder-picker";
import { TagPicker } from "./tag-picker";
import { usePriorities, useSaveTask } from "./use-tasks";

const FIELDS = [
  "title",
  "description",
  "priority_id",
  "tag_ids",
  "due_date",
  "reminder_offsets_minutes",
] as const;

/** A stored due date as the field shows it: all day when it is the last second of a local day. */
function dueValue(iso: string | null | undefined, timeZone: string): DueValue {
  const allDay = isAllDay(iso, timeZone);
  const value = toZonedInput(iso, timeZone);
  return { allDay, value: allDay ? value.slice(0, 10) : value };
}

interface TaskFormProps {
  task?: Task | undefined;
  onSaved: (task: Task) => void;
  onCancel: () => void;
}

/** Create or edit a task; the schemas are the API's own, so the form and the server agree. */
export function TaskForm({ task: initial, onSaved, onCancel }: TaskFormProps) {
  const { api, timeZone } = useSession();
  const priorities = usePriorities().data ?? [];
  const tags = useTags().data ?? [];
  const save = useSaveTask();
  const form = useSchemaForm(FIELDS);
  const { errors } = form;
  // The version the fields were filled from; after a conflict, the fresh one.
  const [task, setTask] = useState(initial);
  const [conflict, setConflict] = useState<string | undefined>();
  const uid = useId();
  const defaultPriority = priorities.find((p) => p.name === "Medium") ?? priorities[0];
  const [title, setTitle] = useState(task?.title ?? "");
  const [description, setDescription] = useState(task?.description ?? "");
  const [priorityId, setPriorityId] = useState(String(task?.priority_id ?? defaultPriority?.id ?? ""));
  const [tagIds, setTagIds] = useState<number[]>(task?.tags.map((t) => t.id) ?? []);
  const [due, setDue] = useState(() => dueValue(task?.due_date, timeZone));
  const [reminders, setReminders] = useState<number[]>(task?.reminder_offsets_minutes ?? []);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const dueDate = !due.value
      ? null
      : due.allDay
        ? allDayInstant(due.value, timeZone)
        : fromZonedInput(due.value, timeZone);
    if (due.value && !dueDate) {
      form.setErrors({ due_date: due.allDay ? "enter a date" : "enter a date and a time" });
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
    const saved = await form.submit(
      (c) => (task ? c.UpdateTaskBody : c.CreateTaskBody),
      body,
      (parsed) => save.mutateAsync({ task, body: parsed }),
      async (error) => {
        if (!(task && error instanceof ApiError && error.status === 412)) return false;
        await showFresh(task.id);
        return true;
      },
    );
    if (saved) onSaved(saved);
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
      setDue(dueValue(fresh.due_date, timeZone));
      setReminders(fresh.reminder_offsets_minutes ?? []);
      setConflict(
        `This task was changed elsewhere (another tab or device) while you edited it, so your changes were not saved. The form now shows the current version${mine !== fresh.title ? ` (your title was “${mine}”)` : ""}: make your change again and save.`,
      );
    } catch (error) {
      form.setErrors({ "": describeError(error) });
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
        <TagPicker id={uid} tags={tags} selected={tagIds} onChange={setTagIds} error={errors.tag_ids} />
        <DueField id={uid} due={due} onChange={setDue} timeZone={timeZone} error={errors.due_date} />
        <ReminderPicker
          id={uid}
          selected={reminders}
          onChange={setReminders}
          hasDue={due.value !== ""}
          error={errors.reminder_offsets_minutes}
        />
        <FormActions
          saving={form.saving}
          submitLabel={task ? "Save changes" : "Add task"}
          onCancel={onCancel}
        />
      </form>
      {task ? <TaskHistory taskId={task.id} priorities={priorities} tags={tags} /> : null}
    </>
  );
}
