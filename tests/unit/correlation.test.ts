import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { indicatorLink, linkTest, workspaceLinkTest, type CohortPairs, type LinkPair } from '../../src/metrics/correlation.js';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { drawUpTo, exactDCounts, exactP, maxD, permutationP, rejectionBounds } from '../../src/metrics/spearman-null.js';
import { workspaceLinks } from '../../src/reports/links.js';

/** Reps whose indicator ranks are 1..n and whose results have the given ranks (values spaced apart, no ties). */
const ranked = (resultRanks: readonly number[]): LinkPair[] => resultRanks.map((r, i) => ({ indicator: 10 * (i + 1) + 0.5, performance: 1000 * r + 7 }));

const dOf = (ranks: readonly number[]) => ranks.reduce((sum, r, i) => sum + (i + 1 - r) ** 2, 0);

/** A random ordering of the ranks 1..n. */
const ordering = (n: number) => {
  const ranks = Array.from({ length: n }, (_, i) => i + 1);
  return fc.shuffledSubarray(ranks, { minLength: n, maxLength: n });
};

const factorial = (n: number): number => (n <= 1 ? 1 : n * factorial(n - 1));

/** D's distribution by walking every ordering (Heap's algorithm, D updated per swap). */
function enumerateD(n: number): number[] {
  const counts = new Array<number>(maxD(n) + 1).fill(0);
  const perm = Array.from({ length: n }, (_, i) => i);
  let d = 0;
  counts[0]! += 1;
  const c = new Array<number>(n).fill(0);
  const sq = (position: number, value: number) => (position - value) ** 2;
  for (let i = 1; i < n;) {
    if (c[i]! < i) {
      const j = i % 2 === 0 ? 0 : c[i]!;
      d += sq(j, perm[i]!) + sq(i, perm[j]!) - sq(j, perm[j]!) - sq(i, perm[i]!);
      [perm[i], perm[j]] = [perm[j]!, perm[i]!];
      counts[d]! += 1;
      c[i]! += 1;
      i = 1;
    } else {
      c[i] = 0;
      i += 1;
    }
  }
  return counts;
}

describe('exact null distribution of D = Σd²', () => {
  it('counts n! orderings for every n from 5 to 12', () => {
    for (let n = 5; n <= 12; n += 1) expect(exactDCounts(n).reduce((a, b) => a + b, 0)).toBe(factorial(n));
  });

  it('matches a walk over every ordering for n ≤ 9', () => {
    for (let n = 1; n <= 9; n += 1) expect(exactDCounts(n)).toEqual(enumerateD(n));
  });

  it('n = 5, D = 2: the identity and the 4 adjacent swaps, 5 of 120', () => {
    expect(exactDCounts(5).slice(0, 3)).toEqual([1, 0, 4]);
    expect(exactP(5, 2)).toBe(5 / 120);
  });

  it('refuses an n it has no table for', () => {
    expect(() => exactDCounts(13)).toThrow('Exact Spearman tables exist for 1 ≤ n ≤ 12, not n = 13');
  });
});

describe('the permutations’ draws', () => {
  it('are pure-rand’s uniformInt(rng, 0, i), draw for draw, for every place of a shuffle and any seed', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 2, max: 3000 }), (seed, n) => {
        const bounds = rejectionBounds(n);
        const ours = xoroshiro128plus(seed);
        const theirs = xoroshiro128plus(seed);
        const drawn: number[] = [];
        const expected: number[] = [];
        for (let round = 0; round < 3; round += 1) {
          for (let i = n - 1; i > 0; i -= 1) {
            drawn.push(drawUpTo(ours, i, bounds[i]!));
            expected.push(uniformInt(theirs, 0, i));
          }
        }
        expect(drawn).toEqual(expected);
        // Still in step after rejections, if any: the generators' next outputs agree.
        expect(ours.next()).toBe(theirs.next());
      }),
      { numRuns: 300, interruptAfterTimeLimit: 20_000 },
    );
  });

  it('reject as pure-rand does where rejection is likely: a range just over half of 2³²', () => {
    const i = 2 ** 31;
    const ours = xoroshiro128plus(7);
    const theirs = xoroshiro128plus(7);
    const bound = Math.floor(4294967296 / (i + 1)) * (i + 1);
    const drawn = Array.from({ length: 2000 }, () => drawUpTo(ours, i, bound));
    expect(drawn).toEqual(Array.from({ length: 2000 }, () => uniformInt(theirs, 0, i)));
    // A range of two takes every draw (pure-rand's bound is 2³² there).
    expect(rejectionBounds(2)[1]).toBe(4294967296);
    expect(rejectionBounds(3)[2]).toBe(Math.floor(4294967296 / 3) * 3);
    expect(drawUpTo(ours, 1, rejectionBounds(2)[1]!)).toBe(uniformInt(theirs, 0, 1));
  });
});

describe('linkTest: Spearman ρ and its one-sided p', () => {
  it('n = 10, D = 72 (ρ 0.5636): exact p 0.0481, tracks results', () => {
    const ranks = [1, 2, 3, 5, 8, 9, 10, 6, 7, 4];
    expect(dOf(ranks)).toBe(72);
    const t = linkTest(ranked(ranks), true);
    expect(t.n).toBe(10);
    expect(t.rho).toBeCloseTo(0.5636, 4);
    expect(t.p).toBeCloseTo(0.0481, 4);
    expect(t.label).toBe('tracks_results');
  });

  it('n = 10, D = 74 (ρ 0.5515): exact p 0.0524, a possible link (the t approximation would say 0.0492)', () => {
    const ranks = [1, 2, 3, 5, 8, 9, 10, 7, 6, 4];
    expect(dOf(ranks)).toBe(74);
    const t = linkTest(ranked(ranks), true);
    expect(t.rho).toBeCloseTo(0.5515, 4);
    expect(t.p).toBeCloseTo(0.0524, 4);
    expect(t.label).toBe('possible_link');
  });

  it('n = 10, ρ 0.41 is not evidence: p ≈ 0.12, a possible link', () => {
    const ranks = [1, 2, 3, 7, 9, 10, 8, 6, 5, 4];
    const t = linkTest(ranked(ranks), true);
    expect(t.rho).toBeCloseTo(0.406, 3);
    expect(t.p).toBeGreaterThan(0.115);
    expect(t.p).toBeLessThan(0.125);
    expect(t.label).toBe('possible_link');
  });

  it('n = 5, D = 2: p = 5/120 ≤ 0.05, tracks results', () => {
    const t = linkTest(ranked([2, 1, 3, 4, 5]), true);
    expect(t.p).toBe(5 / 120);
    expect(t.rho).toBeCloseTo(0.9, 10);
    expect(t.label).toBe('tracks_results');
  });

  it('flips the sign for a lower-is-better indicator', () => {
    const pairs = ranked([10, 9, 8, 6, 3, 2, 1, 5, 4, 7]);
    const lower = linkTest(pairs, false);
    expect(lower.rho).toBeCloseTo(0.5636, 4);
    expect(lower.p).toBeCloseTo(0.0481, 4);
    expect(linkTest(pairs, true).label).toBe('weak_or_no_link');
  });

  it('fewer than 5 complete pairs: too few reps, no p', () => {
    const pairs = [...ranked([1, 2, 3, 4]), { indicator: null, performance: 5 }, { indicator: 3, performance: null }];
    expect(linkTest(pairs, true)).toEqual({ rho: expect.closeTo(1, 10), n: 4, p: null, label: 'too_few_reps' });
  });

  it('one side constant (nobody won): ρ and p null, weak or no link', () => {
    const pairs = [1, 2, 3, 4, 5, 6].map((i) => ({ indicator: i, performance: 0 }));
    expect(linkTest(pairs, true)).toEqual({ rho: null, n: 6, p: null, label: 'weak_or_no_link' });
  });

  it('with ties: the same data gives the same p, whatever the order of the reps', () => {
    const pairs: LinkPair[] = [3, 3, 5, 8, 8, 8, 12, 13, 20, 21, 21, 30].map((x, i) => ({ indicator: x, performance: [1, 2, 2, 5, 3, 9, 9, 7, 12, 11, 15, 15][i]! }));
    const first = linkTest(pairs, true);
    expect(first.p).not.toBeNull();
    expect(linkTest(pairs, true)).toEqual(first);
    fc.assert(
      fc.property(fc.shuffledSubarray(pairs, { minLength: pairs.length, maxLength: pairs.length }), (shuffled) => {
        expect(linkTest(shuffled, true)).toEqual(first);
      }),
      { numRuns: 15, interruptAfterTimeLimit: 10_000 },
    );
  });

  it('more than 12 reps without ties: a seeded permutation estimate, stable run to run', () => {
    const ranks = [2, 1, 4, 3, 6, 5, 8, 7, 10, 9, 12, 11, 14, 13, 15];
    const t = linkTest(ranked(ranks), true);
    expect(t.n).toBe(15);
    // (k + 1) ÷ (N + 1): never 0, and with ρ ≈ 0.98 no ordering of 100,000 gets there.
    expect(t.p).toBe(1 / 100_001);
    expect(linkTest(ranked(ranks), true)).toEqual(t);
  });

  it('property: for a fixed n, the exact p never rises as ρ rises', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 5, max: 12 }).chain((n) => fc.tuple(ordering(n), ordering(n))),
        ([a, b]) => {
          const ta = linkTest(ranked(a), true);
          const tb = linkTest(ranked(b), true);
          if (ta.rho! >= tb.rho!) expect(ta.p!).toBeLessThanOrEqual(tb.p!);
          else expect(ta.p!).toBeGreaterThanOrEqual(tb.p!);
        },
      ),
      { numRuns: 300, interruptAfterTimeLimit: 15_000 },
    );
  });

  it('the permutation estimate lands within 0.01 of the exact p for n ≤ 9 without ties', () => {
    const cases = [
      [2, 1, 3, 4, 5],
      [1, 3, 2, 5, 4, 6],
      [3, 1, 2, 6, 4, 7, 5],
      [2, 4, 1, 3, 6, 8, 5, 7],
      [5, 1, 9, 2, 4, 8, 3, 6, 7],
      [9, 8, 7, 6, 5, 4, 3, 2, 1],
    ];
    for (const ranks of cases) {
      const doubled = ranks.map((r, i) => [2 * (i + 1), 2 * r] as const);
      const estimate = permutationP(
        doubled.map((d) => d[0]),
        doubled.map((d) => d[1]),
      );
      expect(Math.abs(estimate - exactP(ranks.length, dOf(ranks)))).toBeLessThanOrEqual(0.01);
    }
  });

  it('indicatorLink: the JSON entry {key, rho, n, p, label, workspace}', () => {
    const link = indicatorLink({ key: 'cadence.call', higherIsBetter: true, pairs: ranked([1, 2, 3, 5, 8, 9, 10, 6, 7, 4]) });
    expect(Object.keys(link)).toEqual(['key', 'rho', 'n', 'p', 'label', 'workspace']);
    expect(link.workspace).toBeNull();
  });
});

describe('workspaceLinkTest: the same question across the teams', () => {
  const team = (ranks: readonly number[], higherIsBetter = true): CohortPairs => ({ key: 'cadence.call', higherIsBetter, pairs: ranked(ranks) });

  /** P(T' ≥ T) by walking every pair of within-team orderings. */
  function exactStratified(a: readonly number[], b: readonly number[]): number {
    const perms = (n: number): number[][] => (n === 0 ? [[]] : perms(n - 1).flatMap((p) => Array.from({ length: n }, (_, k) => [...p.slice(0, k), n, ...p.slice(k)])));
    const score = (ranks: readonly number[], n: number) => ranks.reduce((s, r, i) => s + ((i + 0.5) / n) * ((r - 0.5) / n), 0);
    const observed = score(a, a.length) + score(b, b.length);
    const sa = perms(a.length).map((p) => score(p, a.length));
    const sb = perms(b.length).map((p) => score(p, b.length));
    let atLeast = 0;
    for (const x of sa) for (const y of sb) if (x + y >= observed - 1e-12) atLeast += 1;
    return atLeast / (sa.length * sb.length);
  }

  it('two small teams: p within 0.01 of the full enumeration, ρ the n-weighted mean', () => {
    const a = [2, 1, 3, 5, 4];
    const b = [1, 3, 2, 4, 6, 5];
    const t = workspaceLinkTest([team(a), team(b)]);
    const rhoA = 1 - (6 * dOf(a)) / (5 * 24);
    const rhoB = 1 - (6 * dOf(b)) / (6 * 35);
    expect(t.n).toBe(11);
    expect(t.rho).toBeCloseTo((5 * rhoA + 6 * rhoB) / 11, 10);
    expect(Math.abs(t.p! - exactStratified(a, b))).toBeLessThanOrEqual(0.01);
    expect(t.label).toBe('tracks_results');
  });

  it('opposite teams cancel out: no link', () => {
    const t = workspaceLinkTest([team([1, 2, 3, 4, 5, 6]), team([6, 5, 4, 3, 2, 1])]);
    expect(t.rho).toBeCloseTo(0, 10);
    expect(t.label).toBe('weak_or_no_link');
  });

  it('leaves out teams under 5 reps and teams without a ρ', () => {
    const constant: CohortPairs = { key: 'cadence.call', higherIsBetter: true, pairs: [1, 2, 3, 4, 5].map((i) => ({ indicator: i, performance: 0 })) };
    const alone = workspaceLinkTest([team([2, 1, 3, 5, 4])]);
    expect(workspaceLinkTest([team([2, 1, 3, 5, 4]), team([1, 2, 3, 4]), constant])).toEqual(alone);
    expect(alone.n).toBe(5);
    expect(workspaceLinkTest([team([1, 2, 3, 4]), constant])).toEqual({ rho: null, n: 0, p: null, label: 'too_few_reps' });
  });

  it('is the same whatever the order of the reps within a team', () => {
    const a = team([2, 1, 3, 5, 4, 7, 6]);
    const reversed: CohortPairs = { ...a, pairs: [...a.pairs].reverse() };
    const b = team([3, 1, 2, 5, 4, 6]);
    expect(workspaceLinkTest([reversed, b])).toEqual(workspaceLinkTest([a, b]));
  });
});

describe('workspaceLinks: every team’s links from every team’s cohort', () => {
  const cohort = (key: string, ranks: readonly number[]): CohortPairs => ({ key, higherIsBetter: true, pairs: ranked(ranks) });
  const east = { id: 1, name: 'East', focus: ['cadence.call'], cohort: [cohort('cadence.call', [2, 1, 3, 4, 5, 6]), cohort('cadence.email', [1, 2, 3, 4, 5, 6])] };
  const west = { id: 2, name: 'West', focus: ['cadence.email'], cohort: [cohort('cadence.call', [1, 2, 3, 4, 6, 5]), cohort('cadence.email', [6, 5, 4, 3, 2, 1])] };

  it('tests each team on its own focus, with the workspace-wide test over every team’s cohort', () => {
    const links = workspaceLinks([east, west]);
    expect(links.get(1)!.map((l) => l.key)).toEqual(['cadence.call']);
    expect(links.get(2)!.map((l) => l.key)).toEqual(['cadence.email']);
    expect(links.get(1)![0]).toMatchObject({ n: 6, p: 6 / 720, label: 'tracks_results' });
    expect(links.get(1)![0]!.workspace).toEqual(workspaceLinkTest([east.cohort[0]!, west.cohort[0]!]));
    expect(links.get(2)![0]!.workspace).toMatchObject({ rho: expect.closeTo(0, 10), n: 12, label: 'weak_or_no_link' });
  });

  it('does not depend on the order the teams come in', () => {
    expect(workspaceLinks([west, east])).toEqual(workspaceLinks([east, west]));
  });
});
