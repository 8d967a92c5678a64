/** `too_few` (rev 2): a rate or speed to lead resting on fewer than `minRateN` leads or deals. */
export type PaceStatus = 'on_pace' | 'behind' | 'far_behind' | 'no_baseline' | 'no_data' | 'too_few';

export interface PaceThresholds {
  onPace: number;
  behind: number;
}

export const MAX_PACE = 2;

/**
 * Pace of a value against a baseline (docs/metrics.md): value ÷ baseline, or baseline ÷ value where
 * lower is better; clamped to [0, 2] so one outlier cannot dominate a mean pace. A zero
 * denominator gives 2 (or 1 when both are zero: equal).
 */
export function pace(value: number | null, baseline: number | null, higherIsBetter: boolean): number | null {
  if (value === null || baseline === null) return null;
  const [num, den] = higherIsBetter ? [value, baseline] : [baseline, value];
  if (den === 0) return num === 0 ? 1 : MAX_PACE;
  return Math.min(MAX_PACE, Math.max(0, num / den));
}

/** Status of a pace; `tooFew` marks a rate whose n is below minRateN: never behind, whatever its pace. */
export function paceStatus(p: number | null, hasBaseline: boolean, t: PaceThresholds, tooFew = false): PaceStatus {
  if (!hasBaseline) return 'no_baseline';
  if (tooFew) return 'too_few';
  if (p === null) return 'no_data';
  if (p >= t.onPace) return 'on_pace';
  if (p >= t.behind) return 'behind';
  return 'far_behind';
}
