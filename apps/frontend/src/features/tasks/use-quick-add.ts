"use client";

import { useQueryClient } from "@tanstack/react-query";
import type { CreateTaskBody } from "@todo/contracts";
import { useCallback, useEffect, useRef, useState } from "react";
import { paletteColor } from "@/lib/color";
import { useSession } from "@/lib/session";
import type { useSchemaForm } from "@/lib/use-schema-form";
import { recurringKeys } from "../recurring/recurring-keys";
import { addTagToCache, useTags } from "../tags/use-tags";
import type { DateParser, QuickAddResult } from "./quick-add-parse";
import { taskKeys } from "./task-keys";
import { useSaveTask } from "./use-tasks";

let loading: Promise<DateParser> | null = null;

/** Starts loading chrono-node's English parser (once); quick add calls it on focus. */
export function loadDateParser(): Promise<DateParser> {
  loading ??= import("chrono-node/en").then((m) => m.casual);
  return loading;
}

/** Loads the parser when the browser is idle after the list is shown, so typing does not wait. */
export function preloadDateParser(): void {
  const start = () => void loadDateParser().catch(() => {});
  if ("requestIdleCallback" in window) window.requestIdleCallback(start, { timeout: 3_000 });
  else setTimeout(start, 500);
}

/**
 * chrono-node's English parser once something asked for it (focus on quick add, or the idle
 * preload): ~14 KiB gzip kept out of the dashboard's first load.
 */
export function useDateParser(): [DateParser | null, () => void] {
  const [parser, setParser] = useState<DateParser | null>(null);
  const live = useRef(true);
  const request = useCallback(() => {
    loadDateParser()
      .then((p) => live.current && setParser(() => p))
      .catch(() => {});
  }, []);
  useEffect(() => {
    live.current = true;
    // Already asked for elsewhere (the idle preload): take it when it arrives.
    if (loading) request();
    return () => {
      live.current = false;
    };
  }, [request]);
  return [parser, request];
}

type Form = ReturnType<typeof useSchemaForm>;

/**
 * Saves what quick add understood: a recurring template for `every …` (its first occurrence in the
 * user's zone, which for "every 15th" fixes the day of the month; `every!` repeats from completion), else a task, creating the `#tags` it does not know yet.
 */
export function useQuickAddSave() {
  const { api, timeZone } = useSession();
  const client = useQueryClient();
  const tags = useTags().data ?? [];
  const save = useSaveTask();

  return async (
    form: Form,
    r: QuickAddResult,
  ): Promise<{ title: string; recurring: boolean } | undefined> => {
    const priority = r.priority ? { priority_id: r.priority.priority.id } : {};
    if (r.recurrence && r.due) {
      const { pattern, interval, weekdays, repeatFrom } = r.recurrence;
      const body = {
        template_title: r.title,
        recurrence_pattern: pattern,
        interval,
        weekdays,
        repeat_from: repeatFrom,
        next_occurrence: r.due.instant,
        timezone: timeZone,
        ...priority,
      };
      const template = await form.submit(
        (c) => c.CreateRecurringTaskBody,
        body,
        (b) => api.recurring.create(b),
      );
      if (!template) return undefined;
      void client.invalidateQueries({ queryKey: recurringKeys.all });
      await client.invalidateQueries({ queryKey: taskKeys.all });
      return { title: template.template_title, recurring: true };
    }
    const body = { title: r.title, due_date: r.due?.instant ?? null, ...priority };
    const task = await form.submit(
      (c) => c.CreateTaskBody,
      body,
      async (b) => {
        const tagIds: number[] = [];
        for (const { name, tag } of r.tags) {
          const made =
            tag ?? (await api.tags.create({ name, color: paletteColor(tags.length + tagIds.length) }));
          if (!tag) addTagToCache(client, made);
          tagIds.push(made.id);
        }
        return save.mutateAsync({ body: { ...b, tag_ids: tagIds } as CreateTaskBody });
      },
    );
    return task ? { title: task.title, recurring: false } : undefined;
  };
}
