export {
  CUSTOM_PLAN,
  type DatabaseHandle,
  type DatabaseOptions,
  type DatabaseTarget,
  openDatabase,
} from "./client.ts";
export { afterKeys, cursorValues, orderByKeys, type SortKey } from "./keyset.ts";
export { migrateDown, migrateToLatest, migrationStatus, migrations } from "./migrate.ts";
export type * from "./schema.ts";
export { type Executor, withTransaction } from "./transaction.ts";
export { DEFAULT_SLICE_MS, OFF_LOOP, timeSlices, type WorkSlices } from "./work-slices.ts";
