import type { Zone } from "luxon";
import { MS_PER_DAY } from "./civil-date.ts";

const MS_PER_MINUTE = 60_000;

/** A wall-clock reading: local day number and milliseconds since local midnight. */
export interface LocalTime {
  day: number;
  msOfDay: number;
}

export function toLocal(zone: Zone, instantMs: number): LocalTime {
  const localMs = instantMs + zone.offset(instantMs) * MS_PER_MINUTE;
  const day = Math.floor(localMs / MS_PER_DAY);
  return { day, msOfDay: localMs - day * MS_PER_DAY };
}

/**
 * The instant showing `msOfDay` on local `day`. In an overlap (fall back) the earlier instant wins.
 * In a gap (spring forward) the wall time is read with the offset from before the gap, which moves
 * it forward by the gap's length: 02:30 on 2027-03-14 in New York becomes 03:30 EDT. That is what
 * luxon and cron-parser do, so calendar and cron rules agree.
 */
export function fromLocal(zone: Zone, day: number, msOfDay: number): number {
  const wallMs = day * MS_PER_DAY + msOfDay;
  // Offsets a day either side bracket any single transition near this wall time; equal means none.
  const before = zone.offset(wallMs - MS_PER_DAY);
  const after = zone.offset(wallMs + MS_PER_DAY);
  if (before === after) return wallMs - before * MS_PER_MINUTE;
  let earliest = Number.POSITIVE_INFINITY;
  for (const offset of [before, zone.offset(wallMs), after]) {
    const candidate = wallMs - offset * MS_PER_MINUTE;
    if (zone.offset(candidate) === offset && candidate < earliest) earliest = candidate;
  }
  return earliest === Number.POSITIVE_INFINITY ? wallMs - before * MS_PER_MINUTE : earliest;
}
