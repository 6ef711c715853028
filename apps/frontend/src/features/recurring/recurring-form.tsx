"use client";

import type { CreateRecurringTaskBody, Priority, RecurringTask } from "@todo/contracts";
import { type FormEvent, useId, useState } from "react";
import { Field, FormActions, FormError } from "@/components/field";
import { useSession } from "@/lib/session";
import { useSchemaForm } from "@/lib/use-schema-form";
import {
  bodyOf,
  changedFields,
  FIELDS,
  initialValues,
  localErrors,
  type TemplateValues,
} from "./recurring-form-model";
import { OptionFields } from "./recurring-option-fields";
import { EndFields, ScheduleFields } from "./recurring-schedule-fields";
import { useSaveTemplate } from "./use-recurring";

interface RecurringFormProps {
  template?: RecurringTask | undefined;
  priorities: Priority[];
  onSaved: (template: RecurringTask) => void;
  onCancel: () => void;
}

/** Create or edit a template; an edit sends only the fields changed. */
export function RecurringForm({ template, priorities, onSaved, onCancel }: RecurringFormProps) {
  // A new series starts in the user's zone; an existing one keeps its own.
  const { timeZone: userZone } = useSession();
  const uid = useId();
  const save = useSaveTemplate();
  const form = useSchemaForm(FIELDS);
  const { errors } = form;
  const defaultPriority = priorities.find((p) => p.name === "Medium") ?? priorities[0];
  // What the form showed when it opened, to send only what changed.
  const [initial] = useState(() => initialValues(template, userZone, defaultPriority?.id));
  const [values, setValues] = useState<TemplateValues>(initial);
  const set = (patch: Partial<TemplateValues>) => setValues((v) => ({ ...v, ...patch }));

  async function submit(event: FormEvent) {
    event.preventDefault();
    const local = localErrors(values);
    if (Object.keys(local).length > 0) {
      form.setErrors(local);
      return;
    }
    const full = bodyOf(values);
    const saved = await form.submit(
      (c) => (template ? c.UpdateRecurringTaskBody : c.CreateRecurringTaskBody),
      template ? changedFields(full, bodyOf(initial)) : full,
      (body) => save.mutateAsync({ id: template?.id, body: body as CreateRecurringTaskBody }),
    );
    if (saved) onSaved(saved);
  }

  const id = (name: string) => `${uid}-${name}`;
  const section = { v: values, set, errors, id, editing: template !== undefined };
  return (
    <form
      className="form"
      onSubmit={submit}
      noValidate
      aria-label={template ? "Edit recurring task" : "New recurring task"}
    >
      <FormError message={errors[""]} />
      <Field id={id("title")} name="template_title" label="Title" error={errors.template_title}>
        {(p) => (
          <input
            {...p}
            type="text"
            maxLength={200}
            value={values.title}
            onChange={(e) => set({ title: e.target.value })}
          />
        )}
      </Field>
      <Field
        id={id("description")}
        name="template_description"
        label="Description"
        error={errors.template_description}
      >
        {(p) => (
          <textarea
            {...p}
            rows={2}
            value={values.description}
            onChange={(e) => set({ description: e.target.value })}
          />
        )}
      </Field>
      <ScheduleFields {...section} />
      <EndFields {...section} />
      <OptionFields {...section} priorities={priorities} />
      <FormActions
        saving={form.saving}
        submitLabel={template ? "Save changes" : "Create recurring task"}
        onCancel={onCancel}
      />
    </form>
  );
}
