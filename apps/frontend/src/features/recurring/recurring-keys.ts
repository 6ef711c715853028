/** The recurring feature's query keys: the templates, and each template's next occurrences. */
export const recurringKeys = {
  all: ["recurring"] as const,
  list: () => [...recurringKeys.all, "list"] as const,
  preview: (id: number, updatedAt: string) => [...recurringKeys.all, "preview", id, updatedAt] as const,
};
