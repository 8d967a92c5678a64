import { isActivityIndicator } from './indicators.js';
import type { PaceStatus } from './pace.js';
import { mean } from './stats.js';

/** docs/metrics.md "Improved": the mean focus pace rose by at least this much from the week before. */
export const IMPROVED_BY = 0.1;
/** Paces are sums of floating-point ratios: a rise of 0.1 must not miss by a rounding error. */
const EPSILON = 1e-9;
/** docs/metrics.md "Needs attention": an open alert older than 2 days. */
export const ATTENTION_ALERT_AGE_MS = 2 * 86_400_000;

/** A leading figure as the words of docs/metrics.md read it. */
export interface PacedFigure {
  key: string;
  pace: number | null;
  n: number;
  status: PaceStatus;
}

/** What "Improved" reads of a figure: kept a week (src/db/team-paces-repo.ts), so no more. */
export type ComparedPace = Pick<PacedFigure, 'key' | 'pace' | 'n'>;

/**
 * The mean pace that "Improved" compares, over the focus indicators counted at both dates: counts
 * paced at both, rates paced at both with n ≥ minRateN at both (a rate on one lead is no progress).
 */
export function improvement(focus: readonly string[], before: readonly ComparedPace[], after: readonly ComparedPace[], minRateN: number): { before: number; after: number; improved: boolean } | null {
  const at = (list: readonly ComparedPace[], key: string) => list.find((l) => l.key === key);
  const counted = (l: ComparedPace | undefined): l is ComparedPace & { pace: number } => l !== undefined && l.pace !== null && (isActivityIndicator(l.key) || l.n >= minRateN);
  const keys = focus.filter((k) => counted(at(before, k)) && counted(at(after, k)));
  const was = mean(keys.map((k) => at(before, k)!.pace!));
  const now = mean(keys.map((k) => at(after, k)!.pace!));
  if (was === null || now === null) return null;
  return { before: was, after: now, improved: now - was >= IMPROVED_BY - EPSILON };
}

/**
 * "Needs attention": a results gap together with far behind on a focus indicator, or an alert
 * open (not snoozed, dismissed or done: the caller passes those) more than 2 days after it was
 * triggered. A rep without a results gap never needs attention.
 */
export function needsAttention(input: { resultsGap: boolean; asOf: number; focus: readonly PacedFigure[]; openAlertsTriggeredAt: readonly number[] }): boolean {
  if (!input.resultsGap) return false;
  return input.focus.some((l) => l.status === 'far_behind') || input.openAlertsTriggeredAt.some((t) => input.asOf - t > ATTENTION_ALERT_AGE_MS);
}
