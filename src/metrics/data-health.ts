/**
 * Data health (docs/metrics.md revision 2, "Data health"): whether the events a figure rests on are
 * still arriving, as of `t` and judged on Pacer's clock. Pure: the caller reads the inputs.
 */
import { tz, TZDate } from '@date-fns/tz';
import { addDays, addWeeks } from 'date-fns';
import { weekContaining, type Interval, type WeekSettings } from './windows.js';

/** (a) needs this many working hours in the silence: a weekend alone is not a gap. */
export const MIN_SILENT_WORKING_HOURS = 9;
/** (b) is judged from this far into the working week (half of its 45 h). */
export const ZERO_ACTIVITY_AFTER_WORKING_HOURS = 22.5;
/** (b) compares with the same span of this many previous weeks. */
export const ZERO_ACTIVITY_PREVIOUS_WEEKS = 4;

const HOUR_MS = 3_600_000;
const WORKDAY_OPEN = 9;
const WORKDAY_CLOSE = 18;

export type StaleReason = 'no_events' | 'zero_activity' | 'source_error';

/** A CRM source of the workspace (none until CRM sync exists). */
export interface SourceHealth {
  name: string;
  lastSuccessAt: Date | null;
  /** What failed last, or null when its last attempt succeeded. */
  error: string | null;
}

export interface DataHealthInput {
  /** The instant the figure is as of. */
  asOf: Date;
  /** Pacer's clock: decides whether the figure is historical. */
  now: Date;
  /** The team's zone and week (the workspace's zone and a Monday week for the workspace figure). */
  week: WeekSettings;
  staleAfterHours: number;
  /** The latest received and occurred instants of the events received at or before `asOf`. */
  lastReceivedAt: Date | null;
  lastOccurredAt: Date | null;
  /**
   * Whether any touch (of every touch type) occurred in each of `activitySpans(asOf, week)`: this
   * week to date, then the same span of each previous week, most recent first (only a count of 0
   * matters). Null when not judged (the workspace figure).
   */
  touched: readonly boolean[] | null;
  sources: readonly SourceHealth[];
}

export interface DataHealth {
  lastReceivedAt: Date | null;
  lastOccurredAt: Date | null;
  /** Null for a historical figure: `asOf` more than staleAfterHours before the clock's now. */
  stale: boolean | null;
  reason: StaleReason | null;
  sources: SourceHealth[];
}

/** Hours of Mon–Fri 09:00–18:00 (local to `timezone`) in [from, to); DST days count their real hours. */
export function workingHoursBetween(from: Date, to: Date, timezone: string): number {
  if (to.getTime() <= from.getTime()) return 0;
  const zone = tz(timezone);
  const local = new TZDate(from.getTime(), timezone);
  let day = new TZDate(local.getFullYear(), local.getMonth(), local.getDate(), timezone);
  let ms = 0;
  while (day.getTime() < to.getTime()) {
    const dow = day.getDay();
    if (dow !== 0 && dow !== 6) {
      const open = new TZDate(day.getFullYear(), day.getMonth(), day.getDate(), WORKDAY_OPEN, 0, 0, timezone).getTime();
      const close = new TZDate(day.getFullYear(), day.getMonth(), day.getDate(), WORKDAY_CLOSE, 0, 0, timezone).getTime();
      const overlap = Math.min(close, to.getTime()) - Math.max(open, from.getTime());
      if (overlap > 0) ms += overlap;
    }
    day = addDays(day, 1, { in: zone });
  }
  return ms / HOUR_MS;
}

/**
 * The spans (b) counts touches in: this week to `asOf`, then the same local span (same weekday
 * and time of day, whatever DST did) of each of the previous weeks, most recent first.
 */
export function activitySpans(asOf: Date, week: WeekSettings, previousWeeks = ZERO_ACTIVITY_PREVIOUS_WEEKS): Interval[] {
  const zone = tz(week.timezone);
  const start = new TZDate(weekContaining(asOf, week).start.getTime(), week.timezone);
  const end = new TZDate(asOf.getTime(), week.timezone);
  return Array.from({ length: previousWeeks + 1 }, (_, k) => ({
    start: new Date(addWeeks(start, -k, { in: zone }).getTime()),
    end: new Date(addWeeks(end, -k, { in: zone }).getTime()),
  }));
}

/** (a): silent for staleAfterHours, of which at least 9 working hours. Never received anything: nothing to be behind on. */
function silent(input: DataHealthInput): boolean {
  const last = input.lastReceivedAt;
  if (last === null) return false;
  if (input.asOf.getTime() - last.getTime() < input.staleAfterHours * HOUR_MS) return false;
  return workingHoursBetween(last, input.asOf, input.week.timezone) >= MIN_SILENT_WORKING_HOURS;
}

/** (b): half the working week gone without a single touch, where each of the previous 4 weeks had some by then. */
function zeroActivity(input: DataHealthInput): boolean {
  const touched = input.touched;
  if (touched === null || touched.length < ZERO_ACTIVITY_PREVIOUS_WEEKS + 1) return false;
  const weekStart = weekContaining(input.asOf, input.week).start;
  if (workingHoursBetween(weekStart, input.asOf, input.week.timezone) < ZERO_ACTIVITY_AFTER_WORKING_HOURS) return false;
  return !touched[0] && touched.slice(1, ZERO_ACTIVITY_PREVIOUS_WEEKS + 1).every(Boolean);
}

/**
 * Data health as of `asOf`. A failing source is named first (it is the cause the others would
 * show), then silence, then a week without touches.
 */
export function judgeDataHealth(input: DataHealthInput): DataHealth {
  const base = { lastReceivedAt: input.lastReceivedAt, lastOccurredAt: input.lastOccurredAt, sources: [...input.sources] };
  if (input.asOf.getTime() < input.now.getTime() - input.staleAfterHours * HOUR_MS) return { ...base, stale: null, reason: null };
  const reason: StaleReason | null = input.sources.some((s) => s.error !== null) ? 'source_error' : silent(input) ? 'no_events' : zeroActivity(input) ? 'zero_activity' : null;
  return { ...base, stale: reason !== null, reason };
}
