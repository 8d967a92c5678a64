/**
 * Working time of a team: Monday–Friday 09:00–18:00 in its zone (the working week of
 * docs/metrics.md), as a sorted list of [open, close) intervals in epoch milliseconds. Every seeded
 * event is placed with these helpers, so every event falls in the team's working hours, and
 * durations such as "touched 3 working hours later" skip nights and weekends as people do.
 */
import { TZDate } from '@date-fns/tz';
import type { Rng } from './rng.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
export const WORKDAY_OPEN_HOUR = 9;
export const WORKDAY_CLOSE_HOUR = 18;

export interface WorkCalendar {
  timezone: string;
  open: number[];
  close: number[];
}

/** Working intervals of the days from the local day of `from` to the local day of `to`. */
export function workCalendar(timezone: string, from: number, to: number): WorkCalendar {
  const open: number[] = [];
  const close: number[] = [];
  const first = new TZDate(from, timezone);
  // Walk local calendar days (a DST day is 23 or 25 hours long, so never add 24 h to an instant).
  for (let day = new TZDate(first.getFullYear(), first.getMonth(), first.getDate(), 12, 0, 0, timezone); day.getTime() - DAY < to;) {
    const dow = day.getDay();
    if (dow !== 0 && dow !== 6) {
      open.push(new TZDate(day.getFullYear(), day.getMonth(), day.getDate(), WORKDAY_OPEN_HOUR, 0, 0, timezone).getTime());
      close.push(new TZDate(day.getFullYear(), day.getMonth(), day.getDate(), WORKDAY_CLOSE_HOUR, 0, 0, timezone).getTime());
    }
    day = new TZDate(day.getFullYear(), day.getMonth(), day.getDate() + 1, 12, 0, 0, timezone);
  }
  return { timezone, open, close };
}

/** Index of the first interval that closes after t (the one holding t, or the next one). */
function intervalAtOrAfter(cal: WorkCalendar, t: number): number {
  let lo = 0;
  let hi = cal.close.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cal.close[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Whole seconds: event times look like what CRMs and dialers record. */
const toSecond = (t: number) => Math.floor(t / 1000) * 1000;

/**
 * A uniformly random working instant in [from, to), or null when no working time lies there.
 * `dayEndMarginMs` keeps that much of each day's end free, e.g. meetings that start by 16:00.
 */
export function randomWorkingInstant(cal: WorkCalendar, rng: Rng, from: number, to: number, dayEndMarginMs = 0): number | null {
  const starts: number[] = [];
  const lengths: number[] = [];
  let total = 0;
  for (let i = intervalAtOrAfter(cal, from); i < cal.open.length && cal.open[i]! < to; i += 1) {
    const a = Math.max(cal.open[i]!, from);
    const b = Math.min(cal.close[i]! - dayEndMarginMs, to);
    if (b <= a) continue;
    starts.push(a);
    lengths.push(b - a);
    total += b - a;
  }
  if (total < 1000) return null;
  let offset = rng.float() * total;
  for (let k = 0; k < starts.length; k += 1) {
    const len = lengths[k]!;
    // Rounding down to the second keeps the instant inside [start, start + len).
    if (offset < len) return Math.max(starts[k]!, toSecond(starts[k]! + offset));
    offset -= len;
  }
  return toSecond(starts[starts.length - 1]!);
}

/**
 * The working instant `hours` working hours after t (t itself if 0 and in working time).
 * Infinity past the calendar's end: such an event lies after the seed's end and is dropped.
 */
export function addWorkingHours(cal: WorkCalendar, t: number, hours: number): number {
  let left = Math.max(0, hours) * HOUR;
  let i = intervalAtOrAfter(cal, t);
  let at = i < cal.open.length ? Math.max(t, cal.open[i]!) : Infinity;
  while (i < cal.open.length) {
    const room = cal.close[i]! - at;
    // Opening times are whole minutes, so rounding down to the second stays inside the day.
    if (left < room) return toSecond(at + left);
    left -= room;
    i += 1;
    if (i < cal.open.length) at = cal.open[i]!;
  }
  return Infinity;
}

/** Working milliseconds in [from, to). */
export function workingMs(cal: WorkCalendar, from: number, to: number): number {
  let total = 0;
  for (let i = intervalAtOrAfter(cal, from); i < cal.open.length && cal.open[i]! < to; i += 1) {
    total += Math.max(0, Math.min(cal.close[i]!, to) - Math.max(cal.open[i]!, from));
  }
  return total;
}

/** Whether t is in working time (tests and checks). */
export function isWorkingInstant(cal: WorkCalendar, t: number): boolean {
  const i = intervalAtOrAfter(cal, t);
  return i < cal.open.length && t >= cal.open[i]!;
}

/** How long before the day's close a meeting may start: meetings end (and get followed up) the same day. */
export const LAST_MEETING_MARGIN_MS = 2 * HOUR;

/** The first instant at or after t when a meeting can start: working time, at least 2 h before close. */
export function meetingSlot(cal: WorkCalendar, t: number): number {
  for (let i = intervalAtOrAfter(cal, t); i < cal.open.length; i += 1) {
    const at = Math.max(t, cal.open[i]!);
    if (at < cal.close[i]! - LAST_MEETING_MARGIN_MS) return at;
  }
  return Infinity;
}
