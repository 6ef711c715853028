import { IANAZone } from "luxon";

// Only names that resolved are remembered, so hostile input cannot grow the map.
const knownZones = new Map<string, IANAZone>();

/** The luxon zone for an IANA name, or null when the runtime does not know the name. */
export function zoneFor(timezone: string): IANAZone | null {
  const known = knownZones.get(timezone);
  if (known !== undefined) return known;
  if (typeof timezone !== "string" || !IANAZone.isValidZone(timezone)) return null;
  const zone = IANAZone.create(timezone);
  knownZones.set(timezone, zone);
  return zone;
}

export function isValidTimeZone(timezone: string): boolean {
  return zoneFor(timezone) !== null;
}
