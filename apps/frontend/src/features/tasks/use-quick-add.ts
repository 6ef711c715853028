"use client";

import { useQueryClient } from "@tanstack/react-query";
import type { CreateTaskBody } from "@todo/contracts";
import { useEffect, useState } from "react";
import { paletteColor } from "@/lib/color";
import { useSession } from "@/lib/session";
import type { useSchemaForm } from "@/lib/use-schema-form";
import type { DateParser, QuickAddResult } from "./quick-add-parse";
import { taskKeys } from "./task-keys";
import { addTagToCache, useSaveTask, useTags } from "./use-tasks";

let loading: Promise<DateParser> | null = null;

/** chrono-node's English parser, loaded after first paint so it does not weigh on it. */
export function useDateParser(): DateParser | null {
  const [parser, setParser] = useState<DateParser | null>(null);
  useEffect(() => {
    let live = true;
    loading ??= import("chrono-node/en").then((m) => m.casual);
    loading.then((p) => live && setParser(() => p)).catch(() => {});
    return () => {
      live = false;
    };
  }, []);
  return parser;
}

type Form = ReturnType<typeof useSchemaForm>;

/**
 * Saves what quick add understood: a recurring template for `every …` (its first occurrence in the
 * user's zone), else a task, creating the `#tags` it does not know yet.
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
      const { pattern, interval, weekdays } = r.recurrence;
      const body = {
        template_title: r.title,
        recurrence_pattern: pattern,
        interval,
        weekdays,
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
