/** The settings feature's query keys: notification preferences, the server's channels, webhooks. */
export const settingsKeys = {
  all: ["settings"] as const,
  preferences: () => [...settingsKeys.all, "preferences"] as const,
  channels: () => [...settingsKeys.all, "channels"] as const,
  vapidKey: () => [...settingsKeys.all, "vapid-key"] as const,
  webhooks: () => [...settingsKeys.all, "webhooks"] as const,
};
