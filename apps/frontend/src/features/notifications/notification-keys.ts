/** The notifications feature's query keys: the bell's list (the latest 20 and the unread count). */
export const notificationKeys = {
  all: ["notifications"] as const,
  latest: () => [...notificationKeys.all, "latest"] as const,
};
