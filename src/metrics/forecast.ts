import type { Interval } from './windows.js';

const DAY = 86_400_000;
const WEEK = 7 * DAY;

export interface Forecast {
  target: number | null;
  period: Interval;
  bookedSoFar: number;
  /** booked so far ÷ elapsed days × days of the period; null with no elapsed day. */
  runRate: number | null;
  /** booked + pipeline per week × whole weeks left × win rate; null without a win rate. */
  leading: number | null;
  /** leading forecast ≥ target; null without a target or a leading forecast. */
  onTrack: boolean | null;
  /** target − leading forecast (positive: short of target). */
  gap: number | null;
  wholeWeeksLeft: number;
}

/** Pace to target of docs/metrics.md, for a rep or a team (totals), as of t inside the period. */
export function forecast(input: { asOf: Date; period: Interval; target: number | null; bookedSoFar: number; pipelinePerWeek: number | null; winRate: number | null }): Forecast {
  const { asOf, period, target, bookedSoFar, pipelinePerWeek, winRate } = input;
  const t = Math.min(Math.max(asOf.getTime(), period.start.getTime()), period.end.getTime());
  const elapsedDays = (t - period.start.getTime()) / DAY;
  const periodDays = (period.end.getTime() - period.start.getTime()) / DAY;
  const wholeWeeksLeft = Math.floor((period.end.getTime() - t) / WEEK);
  const runRate = elapsedDays > 0 ? (bookedSoFar / elapsedDays) * periodDays : null;
  const leading = winRate === null || pipelinePerWeek === null ? null : bookedSoFar + pipelinePerWeek * wholeWeeksLeft * winRate;
  return {
    target,
    period,
    bookedSoFar,
    runRate,
    leading,
    onTrack: target === null || leading === null ? null : leading >= target,
    gap: target === null || leading === null ? null : target - leading,
    wholeWeeksLeft,
  };
}

/** A target prorated to a window's length (for ranking by attainment over a window). */
export function prorate(target: number, period: Interval, window: Interval): number {
  const periodMs = period.end.getTime() - period.start.getTime();
  return periodMs <= 0 ? target : (target * (window.end.getTime() - window.start.getTime())) / periodMs;
}

/** booked ÷ target; null for a missing or zero target (a 0 target cannot be attained "by a share"). */
export function attainment(booked: number | null, target: number | null): number | null {
  if (booked === null || target === null || target === 0) return null;
  return booked / target;
}
