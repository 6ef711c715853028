"use client";

export const SHORTCUTS = [
  ["q", "Quick add"],
  ["/", "Search"],
  ["j", "Next task"],
  ["k", "Previous task"],
  ["x", "Complete or reopen the task"],
  ["e", "Edit the task"],
  ["Delete", "Delete the task (Undo for a few seconds)"],
  ["?", "This list"],
] as const;

/** The keyboard shortcuts, as a definition list (shown in a dialog by `?`). */
export function ShortcutsHelp() {
  return (
    <dl className="shortcuts">
      {SHORTCUTS.map(([key, what]) => (
        <div key={key}>
          <dt>
            <kbd>{key}</kbd>
          </dt>
          <dd>{what}</dd>
        </div>
      ))}
    </dl>
  );
}
