"use client";

import type { Task } from "@todo/contracts";
import { useEffect, useRef } from "react";

/** Keys typed into a field are text, not shortcuts; neither are keys while a dialog is open. */
function ignored(event: KeyboardEvent): boolean {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return true;
  const target = event.target as HTMLElement | null;
  if (target?.closest("input, textarea, select, [contenteditable='true']")) return true;
  return document.querySelector("dialog[open]") !== null;
}

/** Page-wide keys: `q` quick add, `/` search, `?` the list of shortcuts. */
export function usePageShortcuts(onHelp: () => void): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (ignored(event)) return;
      const focus = (id: string) => document.getElementById(id)?.focus();
      if (event.key === "q") focus("quick-add-title");
      else if (event.key === "/") focus("filter-search");
      else if (event.key === "?") onHelp();
      else return;
      event.preventDefault();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [onHelp]);
}

interface ListHandlers {
  toggle: (task: Task) => void;
  edit: (task: Task) => void;
  remove: (task: Task) => void;
}

const rows = () => [...document.querySelectorAll<HTMLElement>("li.task")];

/**
 * `j`/`k` move between rows, `x` completes, `e` edits, `Delete` deletes (with Undo). Focus is
 * never lost: when the focused row leaves the list (deleted, or completed out of Today), the row
 * now in its place takes the focus, or quick add when the list is empty.
 */
export function useListKeyboard(items: Task[], handlers: ListHandlers): void {
  const lastIndex = useRef<number | null>(null);
  const latest = useRef({ items, handlers });
  latest.current = { items, handlers };

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (ignored(event)) return;
      const list = rows();
      const current = (document.activeElement as HTMLElement | null)?.closest<HTMLElement>("li.task") ?? null;
      const index = current ? list.indexOf(current) : -1;
      const task = latest.current.items.find((t) => t.id === Number(current?.dataset.taskId));
      const { handlers: h } = latest.current;
      if (event.key === "j") list[Math.min(index + 1, list.length - 1)]?.focus();
      else if (event.key === "k") list[Math.max(index - 1, 0)]?.focus();
      else if (event.key === "x" && task) h.toggle(task);
      else if (event.key === "e" && task) h.edit(task);
      else if (event.key === "Delete" && task) h.remove(task);
      else return;
      event.preventDefault();
    };
    const onFocus = (event: FocusEvent) => {
      const row = (event.target as HTMLElement | null)?.closest?.<HTMLElement>("li.task");
      if (row) lastIndex.current = rows().indexOf(row);
    };
    document.addEventListener("keydown", onKey);
    document.addEventListener("focusin", onFocus);
    return () => {
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("focusin", onFocus);
    };
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: runs after each change of the rows
  useEffect(() => {
    const active = document.activeElement;
    if (lastIndex.current === null || (active && active !== document.body)) return;
    const list = rows();
    const next = list[Math.min(lastIndex.current, list.length - 1)];
    (next ?? document.getElementById("quick-add-title"))?.focus();
  }, [items]);
}
