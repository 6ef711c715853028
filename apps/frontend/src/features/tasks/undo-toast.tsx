"use client";

import type { Toast } from "./use-task-actions";

/** The last action with its Undo button; it leaves by itself after a few seconds. */
export function UndoToast({ toast, onDone }: { toast: Toast | null; onDone: () => void }) {
  if (!toast) return null;
  return (
    <div className="toast" role="status" data-testid="undo-toast">
      <span>{toast.message}</span>
      <button
        type="button"
        className="button button-quiet"
        onClick={() => {
          toast.undo();
          onDone();
        }}
      >
        Undo
      </button>
      <button type="button" className="button button-quiet" aria-label="Dismiss" onClick={onDone}>
        <span aria-hidden="true">×</span>
      </button>
    </div>
  );
}
