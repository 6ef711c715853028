"use client";

import { useQueryClient } from "@tanstack/react-query";
import type { Tag } from "@todo/contracts";
import { type KeyboardEvent, useState } from "react";
import { TagChip } from "@/components/badges";
import { FieldError } from "@/components/field";
import { paletteColor } from "@/lib/color";
import { useSession } from "@/lib/session";
import { useSchemaForm } from "@/lib/use-schema-form";
import { addTagToCache } from "../tags/use-tags";

interface TagPickerProps {
  id: string;
  tags: Tag[];
  selected: number[];
  onChange: (ids: number[]) => void;
  error?: string | undefined;
}

/** The task's tags as checkboxes, with a new tag created inline (and selected). */
export function TagPicker({ id, tags, selected, onChange, error }: TagPickerProps) {
  const { api } = useSession();
  const client = useQueryClient();
  const [newTag, setNewTag] = useState("");
  const form = useSchemaForm(["name"]);
  const tagError = form.errors.name ?? form.errors[""];

  const toggle = (tagId: number) =>
    onChange(selected.includes(tagId) ? selected.filter((x) => x !== tagId) : [...selected, tagId]);

  async function createTag() {
    const tag = await form.submit(
      (c) => c.CreateTagBody,
      { name: newTag, color: paletteColor(tags.length) },
      (body) => api.tags.create(body),
    );
    if (!tag) return;
    addTagToCache(client, tag);
    onChange([...selected, tag.id]);
    setNewTag("");
  }

  function onNewTagKey(event: KeyboardEvent<HTMLInputElement>) {
    // Enter here adds the tag; it must not submit the task form around it.
    if (event.key === "Enter") {
      event.preventDefault();
      void createTag();
    }
  }

  return (
    <fieldset className="fieldset" aria-describedby={error ? `${id}-tags-error` : undefined}>
      <legend>Tags</legend>
      {tags.length === 0 ? <p className="hint">No tags yet. Create one below.</p> : null}
      <div className="tag-options">
        {tags.map((tag) => (
          <label key={tag.id} className="tag-option">
            <input type="checkbox" checked={selected.includes(tag.id)} onChange={() => toggle(tag.id)} />
            <TagChip tag={tag} />
          </label>
        ))}
      </div>
      <div className="inline-create">
        <label htmlFor={`${id}-new-tag`} className="visually-hidden">
          New tag name
        </label>
        <input
          id={`${id}-new-tag`}
          type="text"
          placeholder="New tag"
          maxLength={50}
          value={newTag}
          aria-invalid={tagError ? true : undefined}
          aria-describedby={tagError ? `${id}-new-tag-error` : undefined}
          onChange={(e) => setNewTag(e.target.value)}
          onKeyDown={onNewTagKey}
        />
        <button type="button" className="button" onClick={() => void createTag()} disabled={form.saving}>
          Create tag
        </button>
      </div>
      <FieldError id={`${id}-new-tag-error`} message={tagError} />
      <FieldError id={`${id}-tags-error`} message={error} />
    </fieldset>
  );
}
