import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { improvement, needsAttention, type PacedFigure } from '../../src/metrics/attention.js';
import { weekGoal } from '../../src/metrics/goal.js';
import { rampAt, rampShare } from '../../src/metrics/ramp.js';

describe('this week’s goal: a stepping stone (docs/metrics.md revision 2)', () => {
  const goal = (average: number, expectation: number, weekToDate = 0, stepShare = 0.5) => weekGoal({ key: 'cadence.call', average, expectation, weekToDate, stepShare });

  it('asks for half the gap, at least one more than the average, never beyond the expectation (hand table)', () => {
    // Revision 1 asked for ⌈expectation − week to date⌉: 87 − 0 = 87 calls for a rep at 44 a week.
    expect(goal(44, 87)).toMatchObject({ goal: 66, toGo: 66 }); // 44 + ⌈43 × 0.5⌉
    expect(goal(44, 87, 70)).toMatchObject({ goal: 66, toGo: 0 });
    expect(goal(9.5, 10)).toMatchObject({ goal: 10 }); // min(10, 10 + 1)
    expect(goal(2, 10, 3)).toEqual({ key: 'cadence.call', average: 2, goal: 6, weekToDate: 3, toGo: 3 });
    expect(goal(2, 10, 0, 1)).toMatchObject({ goal: 10 });
  });

  it('keeps goal ≤ ⌈expectation⌉ always, and goal ≥ ⌈average⌉ + 1 whenever expectation − average ≥ 1', () => {
    // Averages and expectations on a grid of hundredths, as counts ÷ weeks and baselines × shares are.
    const hundredths = fc.integer({ min: 0, max: 50_000 }).map((n) => n / 100);
    fc.assert(
      fc.property(
        hundredths,
        hundredths,
        fc.integer({ min: 1, max: 100 }).map((n) => n / 100),
        fc.integer({ min: 0, max: 500 }),
        (average, expectation, stepShare, wtd) => {
          const g = goal(average, expectation, wtd, stepShare);
          expect(g.goal).toBeLessThanOrEqual(Math.ceil(expectation));
          if (expectation - average >= 1) expect(g.goal).toBeGreaterThanOrEqual(Math.ceil(average) + 1);
          expect(g.toGo).toBe(Math.max(0, g.goal - wtd));
        },
      ),
      { numRuns: 2000, interruptAfterTimeLimit: 20_000 },
    );
  });
});

describe('ramp (hand table)', () => {
  const start = Date.parse('2026-11-02T00:00:00Z');
  const linear = { rampWeeks: 12, rampCurve: null };
  const curve = { rampWeeks: 12, rampCurve: [0.25, 0.5, 0.75] };
  it('counts ramp weeks from the start date and stops after R', () => {
    expect(rampAt(start, start, 'UTC', linear)).toEqual({ week: 1, of: 12, share: 1 / 12 });
    expect(rampAt(start + 20 * 86_400_000, start, 'UTC', linear)).toEqual({ week: 3, of: 12, share: 3 / 12 });
    expect(rampAt(start + 84 * 86_400_000 - 1, start, 'UTC', linear)?.week).toBe(12);
    expect(rampAt(start + 84 * 86_400_000, start, 'UTC', linear)).toBeNull();
    expect(rampAt(start, null, 'UTC', linear)).toBeNull();
  });
  it('reads the curve one entry per 4 weeks, and sets R to 4 × its length', () => {
    expect([1, 4, 5, 8, 9, 12, 13].map((w) => rampShare(w, curve))).toEqual([0.25, 0.25, 0.5, 0.5, 0.75, 0.75, 1]);
    expect(rampAt(start, start, 'UTC', { rampWeeks: 6, rampCurve: [0.5] })).toEqual({ week: 1, of: 4, share: 0.5 });
  });
  it('counts weeks on the team’s wall clock across a DST change', () => {
    // New York fell back on Nov 1: Oct 26 00:00 to Nov 2 00:00 local is 7 days and 1 hour.
    const oct26 = Date.parse('2026-10-26T04:00:00Z');
    expect(rampAt(Date.parse('2026-11-02T05:00:00Z'), oct26, 'America/New_York', linear)?.week).toBe(2);
  });
});

describe('needs attention and improved (docs/metrics.md "Words used in messages")', () => {
  const fig = (key: string, pace: number | null, n = 20, status: PacedFigure['status'] = 'on_pace'): PacedFigure => ({ key, pace, n, status });
  const asOf = Date.parse('2026-11-23T12:00:00Z');

  it('needs a results gap, then far behind on a focus indicator or an alert open over 2 days', () => {
    const far = [fig('cadence.call', 0.4, 20, 'far_behind')];
    expect(needsAttention({ resultsGap: false, asOf, focus: far, openAlertsTriggeredAt: [asOf - 5 * 86_400_000] })).toBe(false);
    expect(needsAttention({ resultsGap: true, asOf, focus: far, openAlertsTriggeredAt: [] })).toBe(true);
    expect(needsAttention({ resultsGap: true, asOf, focus: [fig('cadence.call', 0.7, 20, 'behind')], openAlertsTriggeredAt: [asOf - 2 * 86_400_000] })).toBe(false);
    expect(needsAttention({ resultsGap: true, asOf, focus: [], openAlertsTriggeredAt: [asOf - 2 * 86_400_000 - 1] })).toBe(true);
  });

  it('compares the mean pace of counts, and of rates resting on minRateN at both dates', () => {
    const focus = ['cadence.call', 'qualification_rate'];
    // A rate on one lead jumping from 0 to 2 is no progress: only the calls count (0.5 → 0.55).
    const oneLead = improvement(focus, [fig('cadence.call', 0.5), fig('qualification_rate', 0, 1)], [fig('cadence.call', 0.55), fig('qualification_rate', 2, 1)], 8);
    expect(oneLead).toMatchObject({ improved: false });
    expect(oneLead!.after).toBeCloseTo(0.55, 12);
    // With 8 leads at both dates the rate counts: mean 0.25 → 0.775.
    const enough = improvement(focus, [fig('cadence.call', 0.5), fig('qualification_rate', 0, 8)], [fig('cadence.call', 0.55), fig('qualification_rate', 1, 9)], 8);
    expect(enough).toMatchObject({ before: 0.25, improved: true });
    expect(enough!.after).toBeCloseTo(0.775, 12);
    expect(improvement(focus, [fig('cadence.call', null)], [fig('cadence.call', 1)], 8)).toBeNull();
  });
});
