"use client";

import type { Priority } from "@todo/contracts";
import { Field } from "@/components/field";
import { REMINDERS } from "./recurring-form-model";
import type { SectionProps } from "./recurring-schedule-fields";

/** What each task gets and how the series behaves: catch-up, priority, repeat from, lead time, reminder, active. */
export function OptionFields({ v, set, errors, id, priorities }: SectionProps & { priorities: Priority[] }) {
  return (
    <>
      <div className="grid-2">
        <Field
          id={id("catch-up")}
          name="catch_up"
          label="After downtime"
          error={errors.catch_up}
          hint="What to create for occurrences missed while the service was down."
        >
          {(p) => (
            <select
              {...p}
              value={v.catchUp}
              onChange={(e) => set({ catchUp: e.target.value as "latest" | "all" })}
            >
              <option value="latest">Only the latest missed task</option>
              <option value="all">Every missed task</option>
            </select>
          )}
        </Field>
        <Field
          id={id("priority")}
          name="priority_id"
          label="Priority of each task"
          error={errors.priority_id}
        >
          {(p) => (
            <select {...p} value={v.priorityId} onChange={(e) => set({ priorityId: e.target.value })}>
              {priorities.map((priority) => (
                <option key={priority.id} value={priority.id}>
                  {priority.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <div className="grid-2">
        <Field
          id={id("repeat-from")}
          name="repeat_from"
          label="Repeat from"
          error={errors.repeat_from}
          hint="From completion: the next task is due one interval after you complete this one."
        >
          {(p) => (
            <select
              {...p}
              value={v.repeatFrom}
              onChange={(e) => set({ repeatFrom: e.target.value as "schedule" | "completion" })}
            >
              <option value="schedule">The schedule</option>
              <option value="completion">Completion</option>
            </select>
          )}
        </Field>
        <Field
          id={id("lead-time")}
          name="lead_time_minutes"
          label="Create each task"
          error={errors.lead_time_minutes}
        >
          {(p) => (
            <select {...p} value={v.leadTime} onChange={(e) => set({ leadTime: e.target.value })}>
              <option value="0">When it is due</option>
              <option value="60">1 hour ahead</option>
              <option value="1440">1 day ahead</option>
              <option value="10080">1 week ahead</option>
            </select>
          )}
        </Field>
      </div>
      <Field
        id={id("reminder")}
        name="reminder_offsets_minutes"
        label="Remind me"
        error={errors.reminder_offsets_minutes}
      >
        {(p) => (
          <select {...p} value={v.reminder} onChange={(e) => set({ reminder: e.target.value })}>
            {REMINDERS.map((r) => (
              <option key={r.value} value={r.value}>
                {r.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <label className="checkbox">
        <input type="checkbox" checked={v.active} onChange={(e) => set({ active: e.target.checked })} />
        Active (creates tasks on schedule)
      </label>
    </>
  );
}
