import { TZDate } from '@date-fns/tz';
import type { Interval } from './windows.js';

const DAY = 86_400_000;
const WEEK = 7 * DAY;

/** How a team ramps new reps (docs/metrics.md "Ramping", rev 2). */
export interface RampSettings {
  rampWeeks: number;
  /** One share per 4 weeks of ramp, e.g. [0.25, 0.5, 0.75]; null for a straight line w ÷ R. */
  rampCurve: readonly number[] | null;
}

/** A rep's ramp as of an instant: week w of R, and the share of the baseline expected in it. */
export interface Ramp {
  week: number;
  of: number;
  share: number;
}

/** R: the ramp's length in weeks (4 × the curve's length when a curve is set). */
export function rampLength(s: RampSettings): number {
  return s.rampCurve ? 4 * s.rampCurve.length : s.rampWeeks;
}

/** Wall-clock milliseconds of an instant in a zone, so a DST change does not move a week boundary. */
function wallClock(at: number, timezone: string): number {
  const d = new TZDate(at, timezone);
  return Date.UTC(d.getFullYear(), d.getMonth(), d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds(), d.getMilliseconds());
}

/** Ramp week at `at`: ⌊(at − start) ÷ 7 days⌋ + 1, counted on the team's wall clock; ≤ 0 before the start. */
export function rampWeek(at: number, start: number, timezone: string): number {
  return weekOnWallClock(wallClock(at, timezone), wallClock(start, timezone));
}

const weekOnWallClock = (at: number, start: number) => Math.floor((at - start) / WEEK) + 1;

/** Share of the baseline expected in ramp week w: w ÷ R or the curve's entry; 1 after ramping, 0 before the start. */
export function rampShare(week: number, s: RampSettings): number {
  const r = rampLength(s);
  if (week < 1) return 0;
  if (week > r) return 1;
  return s.rampCurve ? s.rampCurve[Math.floor((week - 1) / 4)]! : week / r;
}

/** The rep's ramp as of `at`, or null when not ramping (no start date, or past week R). */
export function rampAt(at: number, start: number | null, timezone: string, s: RampSettings): Ramp | null {
  if (start === null) return null;
  const r = rampLength(s);
  // A rep whose start date is still ahead is in their first week once they start.
  const week = Math.max(1, rampWeek(at, start, timezone));
  return week <= r ? { week, of: r, share: rampShare(week, s) } : null;
}

/** Mean ramp share over weeks (each at its start): what a count's expectation is scaled by. 1 with no week. */
export function meanWeeklyShare(weeks: readonly Interval[], start: number, timezone: string, s: RampSettings): number {
  if (weeks.length === 0) return 1;
  return weeks.reduce((sum, w) => sum + rampShare(Math.max(1, rampWeek(w.start.getTime(), start, timezone)), s), 0) / weeks.length;
}

/**
 * Mean ramp share over a target period, day by day (docs/metrics.md: an own target of a ramping rep is
 * prorated by it). Reading: days before the rep's start count with share 0 — nobody sells for
 * the team before joining it.
 */
export function meanPeriodShare(period: Interval, start: number, timezone: string, s: RampSettings): number {
  let sum = 0;
  let days = 0;
  const startWall = wallClock(start, timezone);
  for (let at = period.start.getTime(); at < period.end.getTime(); at += DAY) {
    sum += rampShare(weekOnWallClock(wallClock(at, timezone), startWall), s);
    days += 1;
  }
  return days === 0 ? 1 : sum / days;
}
