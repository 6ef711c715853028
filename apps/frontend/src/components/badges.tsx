import type { Priority, TagSummary } from "@todo/contracts";
import { readableTextColor } from "@/lib/color";

export function PriorityBadge({ priority }: { priority: Priority }) {
  return (
    <span
      className="badge"
      style={{ background: priority.color, color: readableTextColor(priority.color) }}
      title={`Priority: ${priority.name}`}
    >
      <span className="visually-hidden">Priority: </span>
      {priority.name}
    </span>
  );
}

export function TagChip({ tag }: { tag: TagSummary }) {
  return (
    <span className="chip" style={{ background: tag.color, color: readableTextColor(tag.color) }}>
      <span className="visually-hidden">Tag: </span>
      {tag.name}
    </span>
  );
}
