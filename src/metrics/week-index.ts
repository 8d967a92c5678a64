import { weekContaining, isoToDay, type WeekSettings } from './windows.js';

/**
 * A rollup zone: the team week an identity's events are counted in, as stored in
 * identity.rollup_zone ("<IANA zone>|<ISO first day of the week, 1 = Monday … 7 = Sunday>").
 */
export function rollupZone(timezone: string, isoWeekStartsOn: number): string {
  return `${timezone}|${isoWeekStartsOn}`;
}

export function weekSettingsOfZone(zone: string): WeekSettings {
  const at = zone.lastIndexOf('|');
  return { timezone: zone.slice(0, at), weekStartsOn: isoToDay(Number(zone.slice(at + 1))) };
}

/** Known weeks per zone, sorted by start: each week's bounds are computed once per process. */
const known = new Map<string, { starts: number[]; ends: number[] }>();

/**
 * The start (epoch ms) of the week of `zone` containing `at`. Zone arithmetic costs ~10 µs a
 * call; ingestion asks this for every event, so weeks are remembered and found by bisection.
 */
export function weekStartOf(at: number, zone: string): number {
  let weeks = known.get(zone);
  if (!weeks) {
    weeks = { starts: [], ends: [] };
    known.set(zone, weeks);
  }
  const { starts, ends } = weeks;
  let lo = 0;
  let hi = starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid]! <= at) lo = mid + 1;
    else hi = mid;
  }
  const i = lo - 1;
  if (i >= 0 && at < ends[i]!) return starts[i]!;
  const week = weekContaining(new Date(at), weekSettingsOfZone(zone));
  starts.splice(lo, 0, week.start.getTime());
  ends.splice(lo, 0, week.end.getTime());
  return week.start.getTime();
}

/** The week starts of `zone` from the week containing `from` to the end of the week containing `to` (that end included). */
export function weekBoundaries(from: number, to: number, zone: string): number[] {
  const out = [weekStartOf(from, zone)];
  for (;;) {
    const last = out[out.length - 1]!;
    const next = weekContaining(new Date(last), weekSettingsOfZone(zone)).end.getTime();
    out.push(next);
    if (next > to) return out;
  }
}
