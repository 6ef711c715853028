"use client";

import type { Tag } from "@todo/contracts";
import { useState } from "react";
import { TagChip } from "@/components/badges";
import { ConfirmButton } from "@/components/confirm-button";
import { FieldError } from "@/components/field";
import { useAnnounce } from "@/lib/announcer";
import { describeError } from "@/lib/api-client";
import { useSchemaForm } from "@/lib/use-schema-form";
import { ColorPicker } from "./color-picker";
import { useDeleteTag, useUpdateTag } from "./use-tags";

const FIELDS = ["name", "color"] as const;

/** One tag: its chip and task count; rename in place, recolor, delete (shown at once, undone on failure). */
export function TagRow({ tag }: { tag: Tag }) {
  const announce = useAnnounce();
  const form = useSchemaForm(FIELDS);
  const update = useUpdateTag();
  const remove = useDeleteTag();
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState(tag.name);

  const save = async (body: { name?: string; color?: string }) => {
    const saved = await form.submit(
      (c) => c.UpdateTagBody,
      body,
      (parsed) => update.mutateAsync({ tag, body: parsed }),
    );
    if (saved) announce(`Saved tag “${saved.name}”`);
    return saved !== undefined;
  };
  const cancel = () => {
    setRenaming(false);
    setName(tag.name);
    form.setErrors({});
  };

  const error = form.errors.name ?? form.errors.color ?? form.errors[""];
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
              if (e.key === "Escape") cancel();
            }}
          />
          <button type="submit" className="button button-primary" disabled={form.saving}>
            Save
          </button>
          <button type="button" className="button button-quiet" onClick={cancel}>
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
        <ColorPicker tag={tag} disabled={form.saving} onPick={(color) => void save({ color })} />
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
              await remove.mutateAsync(tag);
              announce(`Deleted tag “${tag.name}”`);
            } catch (e) {
              form.setErrors({ "": describeError(e) });
            }
          }}
        />
      </div>
      <FieldError id={errorId} message={error} />
    </li>
  );
}
