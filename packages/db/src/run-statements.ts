import { type Kysely, sql } from "kysely";

/**
 * Runs a migration's SQL one statement at a time: PGlite's extended protocol refuses several
 * commands in one query. Splits on semicolons outside comments and dollar-quoted function bodies.
 */
export async function runStatements(db: Kysely<unknown>, script: string): Promise<void> {
  for (const statement of splitStatements(script)) await sql.raw(statement).execute(db);
}

export function splitStatements(script: string): string[] {
  const statements: string[] = [];
  let current = "";
  let inDollarQuote = false;
  for (let i = 0; i < script.length; i++) {
    if (!inDollarQuote && script.startsWith("--", i)) {
      // A line comment may hold a semicolon; it is dropped.
      const end = script.indexOf("\n", i);
      i = end === -1 ? script.length : end;
      current += "\n";
    } else if (script.startsWith("$$", i)) {
      inDollarQuote = !inDollarQuote;
      current += "$$";
      i++;
    } else if (script[i] === ";" && !inDollarQuote) {
      statements.push(current);
      current = "";
    } else {
      current += script[i];
    }
  }
  statements.push(current);
  return statements.map((s) => s.trim()).filter((s) => s.length > 0);
}
