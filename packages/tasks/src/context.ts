import type { EventSource } from "@todo/contracts";
import type { Executor } from "@todo/db";

/** Who is acting and on what connection; a transaction passed here is reused by every verb. */
export interface ServiceContext {
  db: Executor;
  userId: string;
  /** Which service's events these are; the backend's by default. */
  source?: EventSource;
  /** If-Match: the version the caller last read; a change to another version is a 412. */
  ifMatch?: number | undefined;
}
