"use client";

import { type FormEvent, useEffect, useState } from "react";
import { Field, FormError } from "@/components/field";
import { useAnnounce } from "@/lib/announcer";
import { describeError } from "@/lib/api-client";
import { paletteColor } from "@/lib/color";
import { preloadContracts } from "@/lib/contracts";
import { useSchemaForm } from "@/lib/use-schema-form";
import { TagRow } from "./tag-row";
import { useCreateTag, useTags } from "./use-tags";

const FIELDS = ["name", "color"] as const;

/** Create, rename, recolor and delete tags, with how many tasks carry each (kept true by the live stream). */
export function TagManager() {
  const query = useTags({ fresh: true });
  // Counts from before this page opened may miss what this tab has just sent: wait for the read.
  const tags = { ...query, data: query.isFetchedAfterMount ? query.data : undefined };
  useEffect(preloadContracts, []);

  return (
    <section className="stack" aria-labelledby="tags-heading">
      <div className="page-header">
        <h1 id="tags-heading">Tags</h1>
      </div>
      <NewTagForm count={tags.data?.length ?? 0} />
      {tags.data === undefined && !tags.isError ? (
        <p role="status" className="muted">
          Loading tags…
        </p>
      ) : null}
      {tags.isError ? (
        <div className="card" role="alert">
          <p>Could not load your tags: {describeError(tags.error)}</p>
          <button type="button" className="button" onClick={() => void tags.refetch()}>
            Try again
          </button>
        </div>
      ) : null}
      {tags.data?.length === 0 ? (
        <div className="empty">
          <p>No tags yet. Tags group tasks across priorities, such as “home” or “work”.</p>
        </div>
      ) : null}
      {tags.data && tags.data.length > 0 ? (
        <ul className="tag-list" aria-label="Your tags">
          {tags.data.map((tag) => (
            <TagRow key={tag.id} tag={tag} />
          ))}
        </ul>
      ) : null}
    </section>
  );
}

/** `count`: how many tags exist, so the next one is offered the next palette color. */
function NewTagForm({ count }: { count: number }) {
  const announce = useAnnounce();
  const create = useCreateTag();
  const form = useSchemaForm(FIELDS);
  const { errors } = form;
  const [name, setName] = useState("");
  const [color, setColor] = useState(paletteColor(0));

  async function submit(event: FormEvent) {
    event.preventDefault();
    const tag = await form.submit(
      (c) => c.CreateTagBody,
      { name, color: color.toUpperCase() },
      (body) => create.mutateAsync(body),
    );
    if (!tag) return;
    setName("");
    setColor(paletteColor(count + 1));
    announce(`Created tag “${tag.name}”`);
  }

  return (
    <form className="card form form-inline" onSubmit={submit} noValidate aria-label="New tag">
      <FormError message={errors[""]} />
      <Field id="new-tag-name" name="name" label="Tag name" error={errors.name}>
        {(p) => (
          <input {...p} type="text" maxLength={50} value={name} onChange={(e) => setName(e.target.value)} />
        )}
      </Field>
      <Field id="new-tag-color" name="color" label="Color" error={errors.color}>
        {(p) => <input {...p} type="color" value={color} onChange={(e) => setColor(e.target.value)} />}
      </Field>
      <button type="submit" className="button button-primary" disabled={form.saving}>
        {form.saving ? "Creating…" : "Create tag"}
      </button>
    </form>
  );
}
