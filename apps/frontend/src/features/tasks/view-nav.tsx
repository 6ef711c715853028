"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { countQuery, VIEWS, type View, type ViewState, writeViewState } from "./task-views";
import { useTaskCount } from "./use-tasks";

interface ViewNavProps {
  state: ViewState;
  /** False until the list is on screen: the counts do not compete with it. */
  counted: boolean;
  today: string;
  timeZone: string;
}

function ViewLink({
  view,
  label,
  state,
  counted,
  today,
  timeZone,
}: ViewNavProps & { view: View; label: string }) {
  const pathname = usePathname();
  const count = useTaskCount(countQuery(view, today, timeZone), counted);
  // Filters travel with the view; status belongs to All only.
  const href = `${pathname}${writeViewState({ view, filters: state.filters })}`;
  return (
    <Link href={href} aria-current={state.view === view ? "page" : undefined} className="view-link">
      {label}
      {count.data !== undefined ? (
        <span className="view-count" data-testid={`count-${view}`}>
          <span className="visually-hidden">, </span>
          {count.data}
          <span className="visually-hidden">{view === "completed" ? " done" : " open"}</span>
        </span>
      ) : null}
    </Link>
  );
}

/** Today, Upcoming, All, Completed, each with its count (open tasks; done ones for Completed). */
export function ViewNav(props: ViewNavProps) {
  return (
    <nav aria-label="Views" className="views">
      <ul>
        {VIEWS.map((v) => (
          <li key={v.id}>
            <ViewLink {...props} view={v.id} label={v.label} />
          </li>
        ))}
      </ul>
    </nav>
  );
}
