/**
 * The null distributions behind Spearman's p-value (docs/metrics.md "Do the indicators predict
 * results on this team?"): exact counts of D = Σd² over all n! orderings for small n without ties,
 * and a seeded permutation estimate for everything else.
 */
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

export const EXACT_MIN_N = 5;
export const EXACT_MAX_N = 12;

/** Orderings drawn for a permutation p-value. */
export const PERMUTATIONS = 100_000;
/** The permutation generator's seed: fixed, so the same data always gives the same p. */
export const PERMUTATION_SEED = 0x5eed_2011;

/** D = Σd² over n ranks is at most n(n² − 1)/3 (one ranking reversed). */
export const maxD = (n: number) => (n * (n * n - 1)) / 3;

const tables = new Map<number, readonly number[]>();

/**
 * How many of the n! orderings have each D (index = D). Counted by dynamic programming over the
 * set of ranks already placed (2ⁿ states of partial D) rather than by walking 12! orderings, and
 * kept for the life of the process. Measured on a shared 2-core machine: 30–60 ms for n = 12,
 * 20–30 ms for 5–11 together, once per process, so no generated table file is needed.
 */
export function exactDCounts(n: number): readonly number[] {
  if (!Number.isInteger(n) || n < 1 || n > EXACT_MAX_N) throw new RangeError(`Exact Spearman tables exist for 1 ≤ n ≤ ${EXACT_MAX_N}, not n = ${n}`);
  const cached = tables.get(n);
  if (cached) return cached;
  const size = maxD(n) + 1;
  // counts[mask] = how many ways ranks in `mask` fill the first popcount(mask) positions, by partial D.
  const counts: (Float64Array | undefined)[] = new Array<Float64Array | undefined>(1 << n);
  counts[0] = new Float64Array(size);
  counts[0][0] = 1;
  for (let mask = 0; mask < 1 << n; mask += 1) {
    const from = counts[mask];
    if (!from) continue;
    const position = popcount(mask);
    let top = size - 1;
    while (top > 0 && from[top] === 0) top -= 1;
    for (let rank = 0; rank < n; rank += 1) {
      const bit = 1 << rank;
      if (mask & bit) continue;
      const step = (position - rank) * (position - rank);
      const to = (counts[mask | bit] ??= new Float64Array(size));
      for (let d = 0; d <= top; d += 1) to[d + step]! += from[d]!;
    }
    // Every state is read once, after all its predecessors (smaller masks): free it.
    if (mask !== (1 << n) - 1) counts[mask] = undefined;
  }
  const table = Array.from(counts[(1 << n) - 1]!);
  tables.set(n, table);
  return table;
}

function popcount(x: number): number {
  let c = 0;
  for (let v = x; v !== 0; v &= v - 1) c += 1;
  return c;
}

/** Exact P(D' ≤ d) over the n! orderings, i.e. P(ρ' ≥ ρ). */
export function exactP(n: number, d: number): number {
  const table = exactDCounts(n);
  let below = 0;
  let total = 0;
  for (let k = 0; k < table.length; k += 1) {
    total += table[k]!;
    if (k <= d) below += table[k]!;
  }
  return below / total;
}

/** The permutation generator, seeded the same way for every call. */
function permutationGenerator(): RandomGenerator {
  const gen = xoroshiro128plus(PERMUTATION_SEED);
  // xoroshiro's first outputs from a sparse state are weakly mixed; discard a few.
  for (let i = 0; i < 16; i += 1) gen.next();
  return gen;
}

/**
 * For each place i of an n-item Fisher–Yates shuffle, the bound above which pure-rand's
 * uniformInt(rng, 0, i) rejects a draw: ⌊2³² ÷ (i + 1)⌋ × (i + 1), or 2³² for i + 1 ≤ 2
 * (pure-rand's uniformIntInternal, kept in step with it; tests/unit/correlation.test.ts
 * checks the draws are the same).
 */
export function rejectionBounds(n: number): Float64Array {
  const bounds = new Float64Array(Math.max(n, 1));
  for (let i = 1; i < n; i += 1) bounds[i] = i + 1 > 2 ? Math.floor(4294967296 / (i + 1)) * (i + 1) : 4294967296;
  return bounds;
}

/**
 * uniformInt(rng, 0, i) as pure-rand draws it, with its rejection bound looked up rather than
 * divided out on every draw and the remainder taken on unsigned 32-bit integers: the permutation
 * loops make 10⁸ draws for a 1,000-rep workspace, and uniformInt's float division and remainder
 * were most of their time.
 */
export function drawUpTo(rng: RandomGenerator, i: number, bound: number): number {
  // rng.next() + 2³¹, as pure-rand takes it: flipping the sign bit of the int32 is the same number.
  let v = (rng.next() ^ 0x80000000) >>> 0;
  while (v >= bound) v = (rng.next() ^ 0x80000000) >>> 0;
  return v % (i + 1);
}

/**
 * P(S' ≥ s) estimated as (k + 1) ÷ (N + 1) over N seeded orderings of `ys` against `xs`, with the
 * integer statistic S = Σ xs·ys (doubled ranks, so average ranks stay integers and a tie with the
 * observed value is counted exactly). Callers pass the pairs in a canonical order, so the
 * orderings drawn, and with them p, do not depend on the order the data came in.
 */
export function permutationP(xs: readonly number[], ys: readonly number[], permutations = PERMUTATIONS): number {
  const x = Float64Array.from(xs);
  const y = Float64Array.from(ys);
  let observed = 0;
  for (let i = 0; i < x.length; i += 1) observed += x[i]! * y[i]!;
  const gen = permutationGenerator();
  const bounds = rejectionBounds(y.length);
  let atLeast = 0;
  for (let r = 0; r < permutations; r += 1) {
    // Fisher–Yates, summing each place once it is final.
    let s = 0;
    for (let i = y.length - 1; i > 0; i -= 1) {
      const j = drawUpTo(gen, i, bounds[i]!);
      const v = y[j]!;
      y[j] = y[i]!;
      y[i] = v;
      s += x[i]! * v;
    }
    s += x[0]! * y[0]!;
    if (s >= observed) atLeast += 1;
  }
  return (atLeast + 1) / (permutations + 1);
}

export interface StratumScores {
  xs: Float64Array;
  ys: Float64Array;
}

/**
 * The stratified version for the workspace-wide test: P(T' ≥ t) as (k + 1) ÷ (N + 1), T = Σ over
 * strata of Σ x·y, each stratum's ys shuffled within it. T is not an integer here (each team's
 * scores have their own denominator), so sums within a relative 1e-12 of the observed value count
 * as equal to it.
 */
export function stratifiedPermutationP(strata: readonly StratumScores[], permutations = PERMUTATIONS): number {
  const xs = strata.map((s) => s.xs);
  const ys = strata.map((s) => Float64Array.from(s.ys));
  let observed = 0;
  strata.forEach((s) => {
    for (let i = 0; i < s.xs.length; i += 1) observed += s.xs[i]! * s.ys[i]!;
  });
  const slack = 1e-12 * Math.max(1, Math.abs(observed));
  const gen = permutationGenerator();
  const bounds = rejectionBounds(Math.max(0, ...ys.map((y) => y.length)));
  let atLeast = 0;
  for (let r = 0; r < permutations; r += 1) {
    let t = 0;
    for (let k = 0; k < ys.length; k += 1) {
      const x = xs[k]!;
      const y = ys[k]!;
      // Fisher–Yates within the team, summing each place once it is final.
      for (let i = y.length - 1; i > 0; i -= 1) {
        const j = drawUpTo(gen, i, bounds[i]!);
        const v = y[j]!;
        y[j] = y[i]!;
        y[i] = v;
        t += x[i]! * v;
      }
      t += x[0]! * y[0]!;
    }
    if (t >= observed - slack) atLeast += 1;
  }
  return (atLeast + 1) / (permutations + 1);
}
