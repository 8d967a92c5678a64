import { tz, TZDate } from '@date-fns/tz';
import { addDays, addMonths, addQuarters, addWeeks, startOfMonth, startOfQuarter, startOfWeek, type Day } from 'date-fns';

/** A half-open interval of instants, [start, end). */
export interface Interval {
  start: Date;
  end: Date;
}

/** A run of consecutive complete weeks, oldest first. */
export interface WeekWindow extends Interval {
  weeks: Interval[];
}

/** How a team counts weeks: its IANA zone and first day (0 = Sunday … 6 = Saturday, date-fns' Day). */
export interface WeekSettings {
  timezone: string;
  weekStartsOn: Day;
}

/** ISO day of week (1 = Monday … 7 = Sunday, as stored for teams) to date-fns' Day. */
export function isoToDay(iso: number): Day {
  return (iso % 7) as Day;
}

/**
 * Answers of the zone arithmetic below, as epoch ms, by arguments: a report asks for the same
 * windows of the same instant many times (every rep, indicator and check), and each answer costs
 * Intl offset lookups (about a quarter of a report's CPU before this). Answers are rebuilt into
 * fresh Dates, so no caller can change a kept one. Bounded, as startOfDateIn's.
 */
const zoneAnswers = new Map<string, number[]>();

function remembered(key: string, compute: () => number[]): number[] {
  const known = zoneAnswers.get(key);
  if (known !== undefined) return known;
  const answer = compute();
  if (zoneAnswers.size >= 10_000) zoneAnswers.clear();
  zoneAnswers.set(key, answer);
  return answer;
}

/**
 * Per zone and week start, the last week weekContaining answered: most instants asked about fall
 * in the week before them (a server's clock moves by milliseconds between asks, so the answers
 * by instant above rarely serve it).
 */
const lastWeeks = new Map<string, [number, number]>();

/** The week (in the team's zone) that contains `t`. */
export function weekContaining(t: Date, s: WeekSettings): Interval {
  const zoneKey = `${s.timezone}|${s.weekStartsOn}`;
  const at = t.getTime();
  const last = lastWeeks.get(zoneKey);
  const [start, end] =
    last && last[0] <= at && at < last[1]
      ? last
      : remembered(`week|${at}|${zoneKey}`, () => {
          const zone = tz(s.timezone);
          const from = startOfWeek(t, { weekStartsOn: s.weekStartsOn, in: zone });
          return [from.getTime(), addWeeks(from, 1, { in: zone }).getTime()];
        });
  if (lastWeeks.size >= 1_000) lastWeeks.clear();
  lastWeeks.set(zoneKey, [start!, end!]);
  return { start: new Date(start!), end: new Date(end!) };
}

/**
 * The last `count` complete weeks before `t` (docs/metrics.md "Periods"): a week is complete once it
 * has ended, so at exactly a week's start the week just ended is the last complete one.
 */
export function completeWeeks(t: Date, count: number, s: WeekSettings): WeekWindow {
  const current = weekContaining(t, s).start;
  // Week boundaries, oldest first: count + 1 of them, the last being the current week's start.
  const bounds = remembered(`complete|${current.getTime()}|${count}|${s.timezone}|${s.weekStartsOn}`, () => {
    const zone = tz(s.timezone);
    const from = new TZDate(current.getTime(), s.timezone);
    const out: number[] = [];
    for (let i = count; i >= 0; i -= 1) out.push(addWeeks(from, -i, { in: zone }).getTime());
    return out;
  });
  const weeks: Interval[] = [];
  for (let i = 0; i < count; i += 1) weeks.push({ start: new Date(bounds[i]!), end: new Date(bounds[i + 1]!) });
  return { start: new Date(bounds[0]!), end: new Date(bounds[count]!), weeks };
}

/** startOfDateIn's answers (epoch ms) by zone and date: a report asks for each rep's start date in every window it reads. */
const datesIn = new Map<string, number>();

/** 00:00 of a calendar date (YYYY-MM-DD) in a zone. */
export function startOfDateIn(date: string, timezone: string): Date {
  const key = `${timezone}|${date}`;
  const known = datesIn.get(key);
  if (known !== undefined) return new Date(known);
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new Error(`not a calendar date: ${date}`);
  const at = new TZDate(Number(m[1]), Number(m[2]) - 1, Number(m[3]), timezone).getTime();
  // Bounded: start dates and zones are few, but a long-lived process should not grow without end.
  if (datesIn.size >= 10_000) datesIn.clear();
  datesIn.set(key, at);
  return new Date(at);
}

/**
 * A rep's active weeks in a window: the weeks that start on or after the rep's start date
 * (00:00 in the team's zone); all of them when no start date is known.
 */
export function activeWeeks(window: WeekWindow, startDate: string | null, timezone: string): Interval[] {
  if (!startDate) return window.weeks;
  const from = startOfDateIn(startDate, timezone).getTime();
  return window.weeks.filter((w) => w.start.getTime() >= from);
}

/** From the start of the team's current week to `t`. */
export function weekToDate(t: Date, s: WeekSettings): Interval {
  return { start: weekContaining(t, s).start, end: t };
}

export const WORKING_HOURS_PER_WEEK = 45;

/**
 * Share of the working week (Mon–Fri 09:00–18:00 team-local, 45 h) elapsed between the start of
 * the team's current week and `t`, in [0, 1]. Used to pace week-to-date counts.
 */
export function workingWeekElapsed(t: Date, s: WeekSettings): number {
  return remembered(`elapsed|${t.getTime()}|${s.timezone}|${s.weekStartsOn}`, () => [computeWorkingWeekElapsed(t, s)])[0]!;
}

function computeWorkingWeekElapsed(t: Date, s: WeekSettings): number {
  const zone = tz(s.timezone);
  const week = weekContaining(t, s);
  let hours = 0;
  for (let i = 0; i < 7; i += 1) {
    const day = addDays(new TZDate(week.start.getTime(), s.timezone), i, { in: zone });
    const dow = day.getDay();
    if (dow === 0 || dow === 6) continue;
    const open = new TZDate(day.getFullYear(), day.getMonth(), day.getDate(), 9, 0, 0, s.timezone).getTime();
    const close = new TZDate(day.getFullYear(), day.getMonth(), day.getDate(), 18, 0, 0, s.timezone).getTime();
    const until = Math.min(t.getTime(), close);
    if (until > open) hours += (until - open) / 3_600_000;
  }
  return Math.min(1, hours / WORKING_HOURS_PER_WEEK);
}

export type TargetPeriod = { kind: 'quarter' } | { kind: 'month' } | { kind: 'custom'; start: string; end: string };

/**
 * The period of a target that contains `t`: the calendar quarter or month in the team's zone, or
 * a custom [start, end] whose end date is inclusive (it ends at 00:00 of the next day).
 */
export function targetPeriod(period: TargetPeriod, t: Date, timezone: string): Interval {
  const key = `period|${t.getTime()}|${timezone}|${period.kind}|${period.kind === 'custom' ? `${period.start}|${period.end}` : ''}`;
  const [start, end] = remembered(key, () => {
    const i = computeTargetPeriod(period, t, timezone);
    return [i.start.getTime(), i.end.getTime()];
  });
  return { start: new Date(start!), end: new Date(end!) };
}

function computeTargetPeriod(period: TargetPeriod, t: Date, timezone: string): Interval {
  const zone = tz(timezone);
  switch (period.kind) {
    case 'quarter': {
      const start = startOfQuarter(t, { in: zone });
      return { start: new Date(start.getTime()), end: new Date(addQuarters(start, 1, { in: zone }).getTime()) };
    }
    case 'month': {
      const start = startOfMonth(t, { in: zone });
      return { start: new Date(start.getTime()), end: new Date(addMonths(start, 1, { in: zone }).getTime()) };
    }
    case 'custom': {
      const end = addDays(new TZDate(startOfDateIn(period.end, timezone).getTime(), timezone), 1, { in: zone });
      return { start: startOfDateIn(period.start, timezone), end: new Date(end.getTime()) };
    }
  }
}

/** Whether an instant lies in a half-open interval. */
export function contains(i: Interval, t: Date | number): boolean {
  const ms = typeof t === 'number' ? t : t.getTime();
  return ms >= i.start.getTime() && ms < i.end.getTime();
}
