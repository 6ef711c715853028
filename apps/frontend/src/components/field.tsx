import type { ReactNode } from "react";

export interface ControlProps {
  id: string;
  name: string;
  "aria-invalid": boolean | undefined;
  "aria-describedby": string | undefined;
}

interface FieldProps {
  id: string;
  name: string;
  label: ReactNode;
  error?: string | undefined;
  hint?: ReactNode;
  className?: string;
  children: (control: ControlProps) => ReactNode;
}

const plain = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9 ]/g, "")
    .trim();

/** Whether an error message already says what the hint says ("At least 8 characters."). */
function repeats(error: string | undefined, hint: ReactNode): boolean {
  return typeof hint === "string" && error !== undefined && plain(error).includes(plain(hint));
}

/**
 * A labelled control with its hint and its error, both tied to it for screen readers; a hint the
 * error repeats is left out, so one thing is not said twice.
 */
export function Field({ id, name, label, error, hint: givenHint, className, children }: FieldProps) {
  const hint = repeats(error, givenHint) ? undefined : givenHint;
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ") || undefined;
  return (
    <div className={`field${className ? ` ${className}` : ""}`}>
      <label htmlFor={id}>{label}</label>
      {children({ id, name, "aria-invalid": error ? true : undefined, "aria-describedby": describedBy })}
      {hint ? (
        <p id={hintId} className="hint">
          {hint}
        </p>
      ) : null}
      <FieldError id={errorId} message={error} />
    </div>
  );
}

export function FieldError({ id, message }: { id?: string | undefined; message?: string | undefined }) {
  if (!message) return null;
  return (
    <p id={id} className="field-error">
      {message}
    </p>
  );
}

/** The error that belongs to no single field; announced when it appears. */
export function FormError({ message }: { message?: string | undefined }) {
  return (
    <div role="alert" className={message ? "form-error" : undefined}>
      {message ?? null}
    </div>
  );
}

/** A form's submit button ("Saving…" while `saving`, and disabled) and its Cancel. */
export function FormActions({
  saving,
  submitLabel,
  onCancel,
}: {
  saving: boolean;
  submitLabel: string;
  onCancel: () => void;
}) {
  return (
    <div className="form-actions">
      <button type="submit" className="button button-primary" disabled={saving}>
        {saving ? "Saving…" : submitLabel}
      </button>
      <button type="button" className="button button-quiet" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}
