import { TZDate } from '@date-fns/tz';
import { addDays, format, getISODay, startOfDay, startOfWeek } from 'date-fns';
import { tz } from '@date-fns/tz';
import type { WeekSettings } from '../metrics/windows.js';

/** "HH:mm" → minutes after midnight. */
function minutesOf(time: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(time);
  if (!m) throw new Error(`not a clock time: ${time}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** `time` on the calendar day of `day` in `zone` (a time skipped by a DST change moves forward). */
function atLocalTime(day: TZDate, time: string, zone: string): Date {
  const minutes = minutesOf(time);
  return new Date(new TZDate(day.getFullYear(), day.getMonth(), day.getDate(), Math.floor(minutes / 60), minutes % 60, zone).getTime());
}

/**
 * The first local `time` (recipient's zone) at or after `instant`: when a weekly message is due.
 * For a team week ending Monday 00:00 in the team's zone, a recipient in or west of it gets it on
 * Monday (their Sunday evening is before the end), one far east on Tuesday.
 */
export function firstLocalTimeAtOrAfter(instant: Date, time: string, zone: string): Date {
  const local = new TZDate(instant.getTime(), zone);
  const sameDay = atLocalTime(local, time, zone);
  if (sameDay.getTime() >= instant.getTime()) return sameDay;
  return atLocalTime(addDays(local, 1), time, zone);
}

/** The end of the team's last complete week (the start of the current one) as of `now`. */
export function lastWeekEnd(now: Date, s: WeekSettings): Date {
  return new Date(startOfWeek(now, { weekStartsOn: s.weekStartsOn, in: tz(s.timezone) }).getTime());
}

/** The last complete week's first day, team-local (yyyy-MM-dd): the period part of ledger keys. */
export function lastWeekKey(now: Date, s: WeekSettings): string {
  const end = lastWeekEnd(now, s);
  return format(addDays(new TZDate(end.getTime(), s.timezone), -7), 'yyyy-MM-dd');
}

/** Monday–Friday between `start` and `end` (HH:mm) in `zone`: when behaviour alerts may go out. */
export function inWorkingHours(now: Date, zone: string, start: string, end: string): boolean {
  const local = new TZDate(now.getTime(), zone);
  if (getISODay(local) > 5) return false;
  const minutes = local.getHours() * 60 + local.getMinutes();
  return minutes >= minutesOf(start) && minutes < minutesOf(end);
}

/** The start of the recipient's local day (the daily alert cap counts from it). */
export function startOfLocalDay(now: Date, zone: string): Date {
  return new Date(startOfDay(new TZDate(now.getTime(), zone)).getTime());
}
