"use client";

import { type FormEvent, useState } from "react";
import { Field, FieldError, FormError } from "@/components/field";
import type { CreatedWebhookItem } from "@/lib/api-client";
import { useSchemaForm } from "@/lib/use-schema-form";
import { EVENT_LABELS, EVENT_TYPES, type EventType } from "./settings-labels";
import { useCreateWebhook } from "./use-settings";

const FIELDS = ["url", "event_types", "description"] as const;

/** "Add a webhook": URL, the events it gets, a description; `onCreated` receives the one-time secret. */
export function WebhookForm({ onCreated }: { onCreated: (webhook: CreatedWebhookItem) => void }) {
  const create = useCreateWebhook();
  const form = useSchemaForm(FIELDS);
  const { errors } = form;
  const [url, setUrl] = useState("");
  const [description, setDescription] = useState("");
  const [types, setTypes] = useState<EventType[]>(["task.created", "task.completed"]);

  const toggleType = (type: EventType) =>
    setTypes((list) => (list.includes(type) ? list.filter((t) => t !== type) : [...list, type]));

  async function submit(event: FormEvent) {
    event.preventDefault();
    const body = {
      url: url.trim(),
      event_types: types,
      ...(description.trim() ? { description: description.trim() } : {}),
    };
    const webhook = await form.submit(
      (c) => c.CreateWebhookBody,
      body,
      (parsed) => create.mutateAsync(parsed),
    );
    if (!webhook) return;
    setUrl("");
    setDescription("");
    onCreated(webhook);
  }

  return (
    <form className="form" onSubmit={submit} noValidate aria-label="New webhook">
      <h3>Add a webhook</h3>
      <FormError message={errors[""]} />
      <Field id="webhook-url" name="url" label="URL" error={errors.url} hint="http:// or https://">
        {(p) => (
          <input
            {...p}
            type="url"
            inputMode="url"
            placeholder="https://example.com/hooks/todo"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
          />
        )}
      </Field>
      <fieldset className="fieldset">
        <legend>Events</legend>
        <div className="checkbox-row">
          {EVENT_TYPES.map((type) => (
            <label key={type} className="checkbox">
              <input type="checkbox" checked={types.includes(type)} onChange={() => toggleType(type)} />
              {EVENT_LABELS[type]}
            </label>
          ))}
        </div>
        <FieldError message={errors.event_types} />
      </fieldset>
      <Field
        id="webhook-description"
        name="description"
        label="Description (optional)"
        error={errors.description}
      >
        {(p) => (
          <input
            {...p}
            type="text"
            maxLength={200}
            value={description}
            onChange={(e) => setDescription(e.target.value)}
          />
        )}
      </Field>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={form.saving}>
          {form.saving ? "Adding…" : "Add webhook"}
        </button>
      </div>
    </form>
  );
}
