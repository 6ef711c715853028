export * from "./auth.ts";
export * from "./common.ts";
export * from "./errors.ts";
export * from "./priorities.ts";
export * from "./problem.ts";
export * from "./recurring-tasks.ts";
export * from "./tags.ts";
export * from "./tasks.ts";
