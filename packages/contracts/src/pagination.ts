import { ServiceError } from "./errors.ts";

/**
 * Keyset cursors: opaque to clients, here base64url of JSON `[scope, ...sort key values, id]`. The
 * scope names the list and its order ("tasks:due_date:asc"), so a cursor is only taken back by the
 * list and order that made it.
 */
export function encodeCursor(scope: string, values: readonly unknown[]): string {
  const bytes = new TextEncoder().encode(JSON.stringify([scope, ...values]));
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The key values of a cursor made by encodeCursor for this scope; else a 400 naming `cursor`. */
export function decodeCursor(scope: string, cursor: string, keys: number): unknown[] {
  let parsed: unknown;
  try {
    const binary = atob(cursor.replace(/-/g, "+").replace(/_/g, "/"));
    parsed = JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
  } catch {
    throw ServiceError.invalid("cursor", "not a cursor from this list (use page.next_cursor as given)");
  }
  if (!Array.isArray(parsed) || parsed.length !== keys + 1 || parsed[0] !== scope) {
    throw ServiceError.invalid("cursor", "this cursor belongs to another list, sort or order");
  }
  const values = parsed.slice(1);
  if (!values.every((v) => v === null || typeof v === "string" || Number.isSafeInteger(v))) {
    throw ServiceError.invalid("cursor", "not a cursor from this list (use page.next_cursor as given)");
  }
  return values;
}
