"use client";

import type { Tag } from "@todo/contracts";
import { type FormEvent, useEffect, useRef, useState } from "react";
import { useAnnounce } from "@/lib/announcer";
import { describeError } from "@/lib/api-client";
import { paletteColor } from "@/lib/color";
import { loadContracts, preloadContracts } from "@/lib/contracts";
import { apiErrors, type FieldErrors, zodErrors } from "@/lib/form-errors";
import { useLiveEvents } from "@/lib/live-events";
import { useSession } from "@/lib/session";
import { TagChip } from "./badges";
import { ConfirmButton } from "./confirm-button";
import { Field, FieldError, FormError } from "./field";

const FIELDS = ["name", "color"] as const;

type State = { status: "loading" } | { status: "error"; message: string } | { status: "ready"; tags: Tag[] };

const byName = (a: Tag, b: Tag) => a.name.localeCompare(b.name);

/** Create, rename, recolor and delete tags, with how many tasks carry each. */
export function TagManager() {
  const { api } = useSession();
  const announce = useAnnounce();
  const [state, setState] = useState<State>({ status: "loading" });
  const [name, setName] = useState("");
  const [color, setColor] = useState(paletteColor(0));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [saving, setSaving] = useState(false);

  const load = () =>
    api.tags
      .list()
      .then((tags) => setState({ status: "ready", tags: tags.sort(byName) }))
      .catch((error: unknown) => setState({ status: "error", message: describeError(error) }));

  // biome-ignore lint/correctness/useExhaustiveDependencies: load once per user
  useEffect(() => {
    void load();
    preloadContracts();
  }, [api]);

  // Task counts change when tasks are created or deleted, here or elsewhere.
  useLiveEvents((event) => {
    if (event.type === "task.created" || event.type === "task.deleted" || event.type === "task.updated") {
      void load();
    }
  });

  const replace = (tag: Tag) =>
    setState((s) =>
      s.status === "ready" ? { ...s, tags: s.tags.map((t) => (t.id === tag.id ? tag : t)).sort(byName) } : s,
    );

  async function create(event: FormEvent) {
    event.preventDefault();
    const { CreateTagBody } = await loadContracts();
    const parsed = CreateTagBody.safeParse({ name, color: color.toUpperCase() });
    if (!parsed.success) {
      setErrors(zodErrors(parsed.error, FIELDS));
      return;
    }
    setSaving(true);
    setErrors({});
    try {
      const tag = await api.tags.create(parsed.data);
      setState((s) => (s.status === "ready" ? { ...s, tags: [...s.tags, tag].sort(byName) } : s));
      setName("");
      setColor(paletteColor(state.status === "ready" ? state.tags.length + 1 : 1));
      announce(`Created tag “${tag.name}”`);
    } catch (error) {
      setErrors(apiErrors(error, FIELDS));
    } finally {
      setSaving(false);
    }
  }

  return (
    <section className="stack" aria-labelledby="tags-heading">
      <div className="page-header">
        <h1 id="tags-heading">Tags</h1>
      </div>
      <form className="card form form-inline" onSubmit={create} noValidate aria-label="New tag">
        <FormError message={errors[""]} />
        <Field id="new-tag-name" name="name" label="Tag name" error={errors.name}>
          {(p) => (
            <input {...p} type="text" maxLength={50} value={name} onChange={(e) => setName(e.target.value)} />
          )}
        </Field>
        <Field id="new-tag-color" name="color" label="Color" error={errors.color}>
          {(p) => <input {...p} type="color" value={color} onChange={(e) => setColor(e.target.value)} />}
        </Field>
        <button type="submit" className="button button-primary" disabled={saving}>
          {saving ? "Creating…" : "Create tag"}
        </button>
      </form>

      {state.status === "loading" ? (
        <p role="status" className="muted">
          Loading tags…
        </p>
      ) : null}
      {state.status === "error" ? (
        <div className="card" role="alert">
          <p>Could not load your tags: {state.message}</p>
          <button type="button" className="button" onClick={() => void load()}>
            Try again
          </button>
        </div>
      ) : null}
      {state.status === "ready" && state.tags.length === 0 ? (
        <div className="empty">
          <p>No tags yet. Tags group tasks across priorities, such as “home” or “work”.</p>
        </div>
      ) : null}
      {state.status === "ready" && state.tags.length > 0 ? (
        <ul className="tag-list" aria-label="Your tags">
          {state.tags.map((tag) => (
            <TagRow
              key={tag.id}
              tag={tag}
              onChanged={(t) => {
                replace(t);
                announce(`Saved tag “${t.name}”`);
              }}
              onDeleted={() => {
                setState((s) =>
                  s.status === "ready" ? { ...s, tags: s.tags.filter((t) => t.id !== tag.id) } : s,
                );
                announce(`Deleted tag “${tag.name}”`);
              }}
            />
          ))}
        </ul>
      ) : null}
    </section>
  );
}

function TagRow({
  tag,
  onChanged,
  onDeleted,
}: {
  tag: Tag;
  onChanged: (tag: Tag) => void;
  onDeleted: () => void;
}) {
  const { api } = useSession();
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState(tag.name);
  const [error, setError] = useState<string | undefined>();
  const [saving, setSaving] = useState(false);

  async function save(patch: { name?: string; color?: string }) {
    const { UpdateTagBody } = await loadContracts();
    const parsed = UpdateTagBody.safeParse(patch);
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message);
      return false;
    }
    setSaving(true);
    setError(undefined);
    try {
      onChanged(await api.tags.update(tag.id, parsed.data));
      return true;
    } catch (e) {
      const mapped = apiErrors(e, FIELDS);
      setError(mapped.name ?? mapped.color ?? mapped[""]);
      return false;
    } finally {
      setSaving(false);
    }
  }

  const errorId = `tag-${tag.id}-error`;
  const count = `${tag.task_count} ${tag.task_count === 1 ? "task" : "tasks"}`;
  return (
    <li className="tag-row" data-tag-id={tag.id}>
      {renaming ? (
        <form
          className="row"
          onSubmit={async (e) => {
            e.preventDefault();
            if (await save({ name })) setRenaming(false);
          }}
        >
          <label htmlFor={`tag-${tag.id}-name`} className="visually-hidden">
            New name for “{tag.name}”
          </label>
          <input
            id={`tag-${tag.id}-name`}
            type="text"
            value={name}
            maxLength={50}
            // biome-ignore lint/a11y/noAutofocus: the person just asked to rename this tag
            autoFocus
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? errorId : undefined}
            onChange={(e) => setName(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Escape") {
                setRenaming(false);
                setName(tag.name);
                setError(undefined);
              }
            }}
          />
          <button type="submit" className="button button-primary" disabled={saving}>
            Save
          </button>
          <button
            type="button"
            className="button button-quiet"
            onClick={() => {
              setRenaming(false);
              setName(tag.name);
              setError(undefined);
            }}
          >
            Cancel
          </button>
        </form>
      ) : (
        <div className="row tag-row-main">
          <TagChip tag={tag} />
          <span className="muted tag-count">{count}</span>
        </div>
      )}
      <div className="row tag-row-actions">
        <ColorPicker tag={tag} disabled={saving} onPick={(color) => void save({ color })} />
        {renaming ? null : (
          <button
            type="button"
            className="button button-quiet"
            onClick={() => setRenaming(true)}
            aria-label={`Rename “${tag.name}”`}
          >
            Rename
          </button>
        )}
        <ConfirmButton
          label="Delete"
          ariaLabel={`Delete “${tag.name}”`}
          question={
            tag.task_count > 0
              ? `Delete “${tag.name}”? It is removed from ${count}.`
              : `Delete “${tag.name}”?`
          }
          onConfirm={async () => {
            try {
              await api.tags.remove(tag.id);
              onDeleted();
            } catch (e) {
              setError(describeError(e));
            }
          }}
        />
      </div>
      <FieldError id={errorId} message={error} />
    </li>
  );
}

/** Shows colors live while picking and saves once, on the native change event (the picker closed). */
function ColorPicker({
  tag,
  disabled,
  onPick,
}: {
  tag: Tag;
  disabled: boolean;
  onPick: (color: string) => void;
}) {
  const ref = useRef<HTMLInputElement>(null);
  const [color, setColor] = useState(tag.color.toLowerCase());
  const latest = useRef({ tag, onPick });
  latest.current = { tag, onPick };
  useEffect(() => setColor(tag.color.toLowerCase()), [tag.color]);
  useEffect(() => {
    const input = ref.current;
    if (!input) return;
    const onChange = () => {
      const picked = input.value.toUpperCase();
      if (picked !== latest.current.tag.color.toUpperCase()) latest.current.onPick(picked);
    };
    input.addEventListener("change", onChange);
    return () => input.removeEventListener("change", onChange);
  }, []);
  return (
    <label className="color-label">
      <span className="visually-hidden">Color of “{tag.name}”</span>
      <input
        ref={ref}
        type="color"
        value={color}
        disabled={disabled}
        onChange={(e) => setColor(e.target.value)}
      />
    </label>
  );
}
