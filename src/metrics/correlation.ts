import { EXACT_MAX_N, EXACT_MIN_N, exactP, permutationP, stratifiedPermutationP, type StratumScores } from './spearman-null.js';
import { averageRanks, spearman } from './stats.js';

/** docs/metrics.md "Do the indicators predict results on this team?" (revision 2). */
export type LinkLabel = 'tracks_results' | 'possible_link' | 'weak_or_no_link' | 'too_few_reps';

/** A significance test of ρ > 0: ρ, n and the one-sided p-value P(ρ' ≥ ρ) under random orderings. */
export interface LinkTest {
  /** Spearman's ρ, signed so that positive always means "better on the indicator, better results". */
  rho: number | null;
  n: number;
  p: number | null;
  label: LinkLabel;
}

export interface IndicatorLink extends LinkTest {
  key: string;
  /** The same question across every team of the workspace; null until it has been asked. */
  workspace: LinkTest | null;
}

/** A rep's value on the indicator and on the performance metric over the baseline window. */
export interface LinkPair {
  indicator: number | null;
  performance: number | null;
}

/** One team's cohort on one indicator: what its link (and its share of the workspace's) rests on. */
export interface CohortPairs {
  key: string;
  higherIsBetter: boolean;
  pairs: LinkPair[];
}

export const LINK_MIN_REPS = 5;
export const TRACKS_RESULTS_P = 0.05;
export const POSSIBLE_LINK_P = 0.2;

export function linkLabel(n: number, p: number | null): LinkLabel {
  if (n < LINK_MIN_REPS) return 'too_few_reps';
  if (p === null) return 'weak_or_no_link';
  return p <= TRACKS_RESULTS_P ? 'tracks_results' : p <= POSSIBLE_LINK_P ? 'possible_link' : 'weak_or_no_link';
}

interface RankedPairs {
  n: number;
  rho: number | null;
  /** Doubled average ranks: integers, so no statistic built from them is decided by rounding. */
  x2: number[];
  y2: number[];
  ties: boolean;
}

/** The complete pairs ranked, the indicator negated when lower is better (so ρ's sign is "better"). */
function rankPairs(pairs: readonly LinkPair[], higherIsBetter: boolean): RankedPairs {
  const complete = pairs.filter((p): p is { indicator: number; performance: number } => p.indicator !== null && p.performance !== null);
  const xs = complete.map((p) => (higherIsBetter ? p.indicator : -p.indicator));
  const ys = complete.map((p) => p.performance);
  const x2 = averageRanks(xs).map((r) => 2 * r);
  const y2 = averageRanks(ys).map((r) => 2 * r);
  const ties = new Set(xs).size < xs.length || new Set(ys).size < ys.length;
  return { n: complete.length, rho: spearman(xs, ys), x2, y2, ties };
}

/**
 * Spearman's ρ between an indicator and results across a team's cohort, with its one-sided
 * p-value: exact from the distribution of D = Σd² for 5 ≤ n ≤ 12 without ties, else a seeded
 * permutation estimate on Σ(2r_x)(2r_y). Both statistics are integers, so floating point never
 * decides a p. ρ null (one side constant) → p null, "weak or no link".
 */
export function linkTest(pairs: readonly LinkPair[], higherIsBetter: boolean): LinkTest {
  const r = rankPairs(pairs, higherIsBetter);
  if (r.n < LINK_MIN_REPS || r.rho === null) return { rho: r.rho, n: r.n, p: null, label: linkLabel(r.n, null) };
  let p: number;
  if (!r.ties && r.n >= EXACT_MIN_N && r.n <= EXACT_MAX_N) {
    let d2 = 0;
    for (let i = 0; i < r.n; i += 1) d2 += (r.x2[i]! - r.y2[i]!) ** 2;
    p = exactP(r.n, d2 / 4);
  } else {
    // A canonical order (by x, then y): the orderings drawn, and so p, do not depend on the reps' order.
    const order = r.x2.map((x, i) => [x, r.y2[i]!] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    p = permutationP(
      order.map((o) => o[0]),
      order.map((o) => o[1]),
    );
  }
  return { rho: r.rho, n: r.n, p, label: linkLabel(r.n, p) };
}

export function indicatorLink(cohort: CohortPairs, workspace: LinkTest | null = null): IndicatorLink {
  const test = linkTest(cohort.pairs, cohort.higherIsBetter);
  return { key: cohort.key, rho: test.rho, n: test.n, p: test.p, label: test.label, workspace };
}

/**
 * Does the indicator track results across the workspace? Over the teams with n ≥ 5 (and a ρ):
 * within-team ranks normalised to (r − ½) ÷ n_team, statistic Σ over teams of Σ x̃·ỹ, p from
 * seeded permutations made within each team; ρ is the within-team ρ averaged with weights n.
 * Pass the teams in a stable order (the use-case sorts them by name) so p is reproducible.
 */
export function workspaceLinkTest(teams: readonly CohortPairs[]): LinkTest {
  const strata: StratumScores[] = [];
  let n = 0;
  let weighted = 0;
  for (const team of teams) {
    const r = rankPairs(team.pairs, team.higherIsBetter);
    if (r.n < LINK_MIN_REPS || r.rho === null) continue;
    const order = r.x2.map((x, i) => [x, r.y2[i]!] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    // (r − ½) ÷ n = (2r − 1) ÷ 2n
    const normalised = (v: number) => (v - 1) / (2 * r.n);
    strata.push({ xs: Float64Array.from(order, (o) => normalised(o[0])), ys: Float64Array.from(order, (o) => normalised(o[1])) });
    n += r.n;
    weighted += r.n * r.rho;
  }
  if (strata.length === 0) return { rho: null, n: 0, p: null, label: linkLabel(0, null) };
  const p = stratifiedPermutationP(strata);
  return { rho: weighted / n, n, p, label: linkLabel(n, p) };
}
