/** The tags feature's query key: one list per user (the cache itself is per user), with task counts. */
export const tagKeys = { all: ["tags"] as const };
