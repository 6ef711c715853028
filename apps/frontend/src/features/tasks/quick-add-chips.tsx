"use client";

import { formatDue } from "@/lib/time-zone";
import type { ChipKind, QuickAddResult, Recurrence } from "./quick-add-parse";

const WEEKDAY_NAMES = ["", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const UNIT = { daily: "day", weekly: "week", monthly: "month", yearly: "year", custom: "time" } as const;

/** "every Monday", "every 2 weeks", "every weekday", "every month on the 15th", "… after completion". */
export function describeRecurrence(r: Recurrence): string {
  const after = r.repeatFrom === "completion" ? " after completion" : "";
  if (r.weekdays?.join() === "1,2,3,4,5" && r.interval === 1) return `every weekday${after}`;
  const days = r.weekdays ? ` on ${r.weekdays.map((d) => WEEKDAY_NAMES[d]).join(", ")}` : "";
  const monthDay = r.monthDay ? ` on the ${ordinal(r.monthDay)}` : "";
  const every = r.interval === 1 ? `every ${UNIT[r.pattern]}` : `every ${r.interval} ${UNIT[r.pattern]}s`;
  return `${every}${days}${monthDay}${after}`;
}

/** 1 → "1st", 2 → "2nd", 11 → "11th", 23 → "23rd". */
function ordinal(n: number): string {
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? "th" : (["th", "st", "nd", "rd"][n % 10] ?? "th");
  return `${n}${suffix}`;
}

interface ChipsProps {
  result: QuickAddResult;
  timeZone: string;
  onRemove: (kind: ChipKind) => void;
}

/** What quick add understood, before it is saved; each chip can be removed. */
export function QuickAddChips({ result, timeZone, onRemove }: ChipsProps) {
  const chips: { kind: ChipKind; label: string; remove: string }[] = [];
  if (result.recurrence) {
    chips.push({
      kind: "recurrence",
      label: `Repeats ${describeRecurrence(result.recurrence)}`,
      remove: "repeat",
    });
  }
  if (result.due) {
    const label = `${result.recurrence ? "Starts" : "Due"} ${formatDue(result.due.instant, timeZone)}`;
    chips.push({ kind: "due", label, remove: "due date" });
  }
  if (result.priority) {
    chips.push({ kind: "priority", label: `Priority ${result.priority.priority.name}`, remove: "priority" });
  }
  if (result.tags.length > 0 && !result.recurrence) {
    const names = result.tags.map((t) => `#${t.name}${t.tag ? "" : " (new)"}`).join(" ");
    chips.push({ kind: "tags", label: names, remove: "tags" });
  }
  if (chips.length === 0) return null;
  return (
    <ul id="quick-add-chips" className="chips quick-chips" aria-label="Quick add understood">
      {chips.map((chip) => (
        <li key={chip.kind} className="quick-chip" data-chip={chip.kind}>
          <span>{chip.label}</span>
          <button
            type="button"
            className="chip-remove"
            aria-label={`Remove ${chip.remove}`}
            onClick={() => {
              onRemove(chip.kind);
              document.getElementById("quick-add-title")?.focus();
            }}
          >
            <span aria-hidden="true">×</span>
          </button>
        </li>
      ))}
      {result.recurrence && result.tags.length > 0 ? (
        <li className="hint">Repeating tasks have no tags: the #words are left out.</li>
      ) : null}
    </ul>
  );
}
