"use client";

import { useEffect, useRef, useState } from "react";

interface ConfirmButtonProps {
  label: string;
  /** The trigger's accessible name when `label` alone is ambiguous ("Delete" beside many rows). */
  ariaLabel?: string;
  /** Spoken and shown: "Delete “Buy milk”?" */
  question: string;
  confirmLabel?: string;
  onConfirm: () => Promise<void> | void;
  className?: string;
}

/** A destructive action that asks once, inline, instead of a blocking browser dialog. */
export function ConfirmButton({
  label,
  ariaLabel,
  question,
  confirmLabel = "Delete",
  onConfirm,
  className,
}: ConfirmButtonProps) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const yesRef = useRef<HTMLButtonElement>(null);
  const triggerRef = useRef<HTMLButtonElement>(null);
  const wasAsking = useRef(false);

  useEffect(() => {
    if (asking) yesRef.current?.focus();
    else if (wasAsking.current) triggerRef.current?.focus();
    wasAsking.current = asking;
  }, [asking]);

  if (!asking) {
    return (
      <button
        ref={triggerRef}
        type="button"
        className={className ?? "button button-quiet"}
        aria-label={ariaLabel}
        onClick={() => setAsking(true)}
      >
        {label}
      </button>
    );
  }
  return (
    <span className="confirm">
      <span className="confirm-question">{question}</span>
      <button
        ref={yesRef}
        type="button"
        className="button button-danger"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          try {
            await onConfirm();
          } finally {
            setBusy(false);
            setAsking(false);
          }
        }}
      >
        {confirmLabel}
      </button>
      <button type="button" className="button button-quiet" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  );
}
