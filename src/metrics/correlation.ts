import { spearman } from './stats.js';

export type LinkLabel = 'tracks_results' | 'weak_or_no_link' | 'too_few_reps';

export interface IndicatorLink {
  key: string;
  /** Spearman's ρ, signed so that positive always means "better on the indicator, better results". */
  rho: number | null;
  n: number;
  label: LinkLabel;
}

export const LINK_MIN_RHO = 0.3;
export const LINK_MIN_REPS = 8;

/**
 * Does the indicator track results on this team? Spearman's ρ across the cohort between the
 * indicator and the performance metric over the baseline window (reps with either value missing
 * left out); "tracks results" at ρ ≥ 0.3 with n ≥ 8.
 */
export function indicatorLink(key: string, pairs: readonly { indicator: number | null; performance: number | null }[], higherIsBetter: boolean): IndicatorLink {
  const complete = pairs.filter((p): p is { indicator: number; performance: number } => p.indicator !== null && p.performance !== null);
  const n = complete.length;
  const raw = spearman(
    complete.map((p) => p.indicator),
    complete.map((p) => p.performance),
  );
  const rho = raw === null ? null : higherIsBetter ? raw : -raw;
  const label: LinkLabel = n < LINK_MIN_REPS ? 'too_few_reps' : rho !== null && rho >= LINK_MIN_RHO ? 'tracks_results' : 'weak_or_no_link';
  return { key, rho, n, label };
}
