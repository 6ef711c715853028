"use client";

import { FieldError } from "@/components/field";

export const REMINDER_PRESETS = [
  { minutes: 1440, label: "1 day before" },
  { minutes: 60, label: "1 hour before" },
  { minutes: 10, label: "10 minutes before" },
];

/** "1 hour before", "3 days before", … for a reminder offset in minutes before the due time. */
export function describeOffset(minutes: number): string {
  const preset = REMINDER_PRESETS.find((p) => p.minutes === minutes);
  if (preset) return preset.label;
  if (minutes === 0) return "At the due time";
  if (minutes % 1440 === 0) return `${minutes / 1440} days before`;
  if (minutes % 60 === 0) return `${minutes / 60} hours before`;
  return `${minutes} minutes before`;
}

interface ReminderPickerProps {
  id: string;
  selected: number[];
  onChange: (minutes: number[]) => void;
  hasDue: boolean;
  error?: string | undefined;
}

/** The presets plus any other offsets the task already has, as checkboxes. */
export function ReminderPicker({ id, selected, onChange, hasDue, error }: ReminderPickerProps) {
  const choices = [
    ...REMINDER_PRESETS.map((p) => p.minutes),
    ...selected.filter((m) => !REMINDER_PRESETS.some((p) => p.minutes === m)),
  ];
  const toggle = (minutes: number) =>
    onChange(selected.includes(minutes) ? selected.filter((m) => m !== minutes) : [...selected, minutes]);
  return (
    <fieldset className="fieldset" aria-describedby={`${id}-reminders-hint`}>
      <legend>Reminders</legend>
      <p id={`${id}-reminders-hint`} className="hint">
        {hasDue ? "Get notified before the task is due." : "Set a due date to get reminders."}
      </p>
      <div className="checkbox-row">
        {choices.map((minutes) => (
          <label key={minutes} className="checkbox">
            <input
              type="checkbox"
              name="reminder_offsets_minutes"
              checked={selected.includes(minutes)}
              disabled={!hasDue}
              onChange={() => toggle(minutes)}
            />
            {describeOffset(minutes)}
          </label>
        ))}
      </div>
      <FieldError message={error} />
    </fieldset>
  );
}
