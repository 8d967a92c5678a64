import { median } from './stats.js';

export type PerformanceMetric = 'booked_revenue' | 'win_rate' | 'deals_won' | 'attainment';

export interface CohortCandidate {
  repId: number;
  email: string;
  /** YYYY-MM-DD or null. */
  startDate: string | null;
}

/**
 * The cohort (docs/metrics.md): the team's active reps whose start date, if any, is at least
 * `rampWeeks` weeks before the start of the baseline window (00:00 of that date, team zone).
 */
export function cohort<T extends CohortCandidate>(reps: readonly T[], baselineStart: Date, rampWeeks: number, startOfDate: (date: string) => Date): T[] {
  const limit = baselineStart.getTime() - rampWeeks * 7 * 86_400_000;
  return reps.filter((r) => r.startDate === null || startOfDate(r.startDate).getTime() <= limit);
}

export interface RankInput {
  repId: number;
  email: string;
  /** The team's performance metric over the baseline window; null ranks below every number. */
  performance: number | null;
  winRate: number | null;
  dealsWon: number | null;
}

const desc = (a: number | null, b: number | null) => (a === null ? (b === null ? 0 : 1) : b === null ? -1 : b - a);

/** Ranking: performance, then win rate, then deals won (all descending, nulls last), then email. */
export function rank<T extends RankInput>(members: readonly T[]): T[] {
  return [...members].sort((a, b) => desc(a.performance, b.performance) || desc(a.winRate, b.winRate) || desc(a.dealsWon, b.dealsWon) || a.email.localeCompare(b.email));
}

/** How many top performers: ⌈n × topFraction⌉, at least 1 (0 for an empty cohort). */
export function topCount(n: number, topFraction: number): number {
  if (n === 0) return 0;
  // Guard against 0.1 + 0.2 style float noise making ⌈⌉ jump a whole rep.
  return Math.max(1, Math.ceil(n * topFraction - 1e-9));
}

export interface TopPerformers<T> {
  ranked: T[];
  top: T[];
  /** False with fewer than minCohort reps: there is no baseline, and messages say so. */
  hasBaseline: boolean;
}

export function topPerformers<T extends RankInput>(members: readonly T[], topFraction: number, minCohort: number): TopPerformers<T> {
  const ranked = rank(members);
  const hasBaseline = ranked.length >= minCohort;
  return { ranked, top: hasBaseline ? ranked.slice(0, topCount(ranked.length, topFraction)) : [], hasBaseline };
}

/** Median of the values, nulls left out (baseline over top performers; team median over the cohort). */
export function medianOf(values: readonly (number | null)[]): number | null {
  return median(values.filter((v): v is number => v !== null));
}
