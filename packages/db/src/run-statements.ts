import { type Kysely, sql } from "kysely";

/**
 * Runs a migration's SQL one statement at a time: PGlite's extended protocol refuses several
 * commands in one query. Statements are split on a semicolon that ends a line.
 */
export async function runStatements(db: Kysely<unknown>, script: string): Promise<void> {
  const statements = script
    .split(/;\s*$/m)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  for (const statement of statements) await sql.raw(statement).execute(db);
}
