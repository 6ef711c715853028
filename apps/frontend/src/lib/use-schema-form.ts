"use client";

import { useState } from "react";
import type { z } from "zod";
import { type Contracts, loadContracts } from "./contracts";
import { apiErrors, type FieldErrors, zodErrors } from "./form-errors";

type Schema = z.ZodType;

/**
 * The one way a form submits: the body is checked with the API's own zod schema (from
 * `@todo/contracts`, loaded after first paint), then sent; the schema's issues and the API's
 * problem+json `errors[].field` land on the form's fields, the rest in `errors[""]`.
 *
 * `fields` are the form's field names (the body's top-level keys). `submit` resolves to what
 * `send` returned, or undefined when the body was invalid or the call failed. `send` may throw an
 * error `recover` handles (return true: nothing is shown, e.g. a 412 the form resolves itself).
 */
export function useSchemaForm(fields: readonly string[]) {
  const [errors, setErrors] = useState<FieldErrors>({});
  const [saving, setSaving] = useState(false);

  async function submit<S extends Schema, R>(
    pick: (contracts: Contracts) => S,
    body: unknown,
    send: (data: z.output<S>) => Promise<R>,
    recover?: (error: unknown) => Promise<boolean> | boolean,
  ): Promise<R | undefined> {
    const parsed = pick(await loadContracts()).safeParse(body);
    if (!parsed.success) {
      setErrors(zodErrors(parsed.error, fields));
      return undefined;
    }
    setSaving(true);
    setErrors({});
    try {
      return await send(parsed.data);
    } catch (error) {
      if (!(recover && (await recover(error)))) setErrors(apiErrors(error, fields));
      return undefined;
    } finally {
      setSaving(false);
    }
  }

  return { errors, setErrors, saving, submit };
}
