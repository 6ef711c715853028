import type { Kysely, Transaction } from "kysely";
import type { Database } from "./schema.ts";

export type Executor = Kysely<Database> | Transaction<Database>;

/** Runs `work` in a transaction, or inside the caller's when one is passed, so verbs compose. */
export async function withTransaction<T>(
  executor: Executor,
  work: (tx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  if (executor.isTransaction) return work(executor as Transaction<Database>);
  return executor.transaction().execute(work);
}
