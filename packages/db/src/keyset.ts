import { type RawBuilder, sql } from "kysely";

/** One key of a list's order; `nullable` keys sort their nulls last in either direction. */
export interface SortKey {
  /** The column (or alias) holding the key in the query the condition is added to. */
  column: string;
  dir: "asc" | "desc";
  /** The PostgreSQL type a cursor's text value is cast to. */
  type: "timestamptz" | "integer" | "text";
  nullable?: boolean;
}

/**
 * The condition "comes after the row with these key values" for an ORDER BY of `keys` (the last
 * key must be unique, e.g. the id): (k1 after v1) OR (k1 = v1 AND k2 after v2) OR ... With nulls
 * last, every non-null value comes before null, and after a null only a null with a later next key.
 */
export function afterKeys(keys: readonly SortKey[], values: readonly unknown[]): RawBuilder<boolean> {
  const branches: RawBuilder<boolean>[] = keys.map((key, i) => {
    const equalBefore = keys.slice(0, i).map((k, j) => {
      const col = sql.ref(k.column);
      return values[j] === null ? sql`${col} IS NULL` : sql`${col} = ${values[j]}::${sql.raw(k.type)}`;
    });
    const col = sql.ref(key.column);
    const value = values[i];
    const op = sql.raw(key.dir === "asc" ? ">" : "<");
    const after =
      value === null
        ? sql`false`
        : key.nullable
          ? sql`(${col} ${op} ${value}::${sql.raw(key.type)} OR ${col} IS NULL)`
          : sql`${col} ${op} ${value}::${sql.raw(key.type)}`;
    return sql<boolean>`(${sql.join([...equalBefore, after], sql` AND `)})`;
  });
  return sql<boolean>`(${sql.join(branches, sql` OR `)})`;
}

/** ORDER BY for `keys`, nulls last where a key is nullable. */
export function orderByKeys(keys: readonly SortKey[]): RawBuilder<unknown> {
  return sql.join(
    keys.map((k) => sql`${sql.ref(k.column)} ${sql.raw(k.dir)}${sql.raw(k.nullable ? " NULLS LAST" : "")}`),
  );
}

/** The key values of a row as a cursor carries them: timestamps as text, exact to the microsecond. */
export function cursorValues(keys: readonly SortKey[]): RawBuilder<unknown[]> {
  return sql<unknown[]>`json_build_array(${sql.join(
    keys.map((k) => (k.type === "timestamptz" ? sql`${sql.ref(k.column)}::text` : sql.ref(k.column))),
  )})`;
}
