"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { CreateRecurringTaskBody, RecurringTask, UpdateRecurringTaskBody } from "@todo/contracts";
import { useSession } from "@/lib/session";
import { recurringKeys } from "./recurring-keys";

/** The user's recurring templates, in the API's order. */
export function useTemplates() {
  const { api } = useSession();
  return useQuery({ queryKey: recurringKeys.list(), queryFn: () => api.recurring.list() });
}

/** The next `count` occurrences; keyed by the template's updated_at, so an edit shows its new dates. */
export function usePreview(template: RecurringTask, enabled: boolean, count = 5) {
  const { api } = useSession();
  return useQuery({
    enabled,
    queryKey: recurringKeys.preview(template.id, template.updated_at),
    queryFn: () => api.recurring.preview(template.id, count),
  });
}

type Templates = RecurringTask[] | undefined;

/** Puts a saved template in the cached list (replacing it, or at the end when new). */
function withTemplate(templates: Templates, saved: RecurringTask): Templates {
  if (!templates) return templates;
  return templates.some((t) => t.id === saved.id)
    ? templates.map((t) => (t.id === saved.id ? saved : t))
    : [...templates, saved];
}

/** Create, or update with only the changed fields (see recurring-form-model's changedFields). */
export function useSaveTemplate() {
  const { api } = useSession();
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({
      id,
      body,
    }: {
      id?: number | undefined;
      body: CreateRecurringTaskBody | UpdateRecurringTaskBody;
    }) =>
      id === undefined
        ? api.recurring.create(body as CreateRecurringTaskBody)
        : api.recurring.update(id, body),
    onSuccess: (saved) =>
      client.setQueryData<Templates>(recurringKeys.list(), (list) => withTemplate(list, saved)),
  });
}

/**
 * A change shown before the API answers: `change` edits the cached list, an error puts it back,
 * and the list refetches afterwards (the server computes the next occurrence on resume).
 */
function useOptimisticTemplateMutation<V>(
  send: (vars: V) => Promise<unknown>,
  change: (templates: RecurringTask[], vars: V) => RecurringTask[],
) {
  const client = useQueryClient();
  const key = recurringKeys.list();
  return useMutation({
    mutationFn: send,
    onMutate: async (vars: V) => {
      await client.cancelQueries({ queryKey: key });
      const before = client.getQueryData<RecurringTask[]>(key);
      if (before) client.setQueryData(key, change(before, vars));
      return before;
    },
    onError: (_error, _vars, before) => {
      if (before) client.setQueryData(key, before);
    },
    onSettled: () => client.invalidateQueries({ queryKey: recurringKeys.all }),
  });
}

/** Pause or resume: the state asked for, not a toggle. */
export function useSetActive() {
  const { api } = useSession();
  return useOptimisticTemplateMutation(
    ({ template, isActive }: { template: RecurringTask; isActive: boolean }) =>
      api.recurring.update(template.id, { is_active: isActive }),
    (list, { template, isActive }) =>
      list.map((t) => (t.id === template.id ? { ...t, is_active: isActive } : t)),
  );
}

/** Delete: the template leaves at once and comes back if the API refuses. Tasks it created stay. */
export function useDeleteTemplate() {
  const { api } = useSession();
  return useOptimisticTemplateMutation(
    (template: RecurringTask) => api.recurring.remove(template.id),
    (list, template) => list.filter((t) => t.id !== template.id),
  );
}
