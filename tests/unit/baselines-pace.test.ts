import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cohort, medianOf, rank, topCount, topPerformers } from '../../src/metrics/baselines.js';
import { indicatorLink } from '../../src/metrics/correlation.js';
import { diagnose, type FocusPace } from '../../src/metrics/diagnosis.js';
import { attainment, forecast, prorate } from '../../src/metrics/forecast.js';
import { pace, paceStatus } from '../../src/metrics/pace.js';
import { median, spearman } from '../../src/metrics/stats.js';
import { startOfDateIn } from '../../src/metrics/windows.js';
import { promptFigures } from '../../src/reports/text.js';

const member = (repId: number, email: string, performance: number | null, winRate: number | null = null, dealsWon: number | null = null) => ({
  repId,
  email,
  performance,
  winRate,
  dealsWon,
});

describe('median', () => {
  it('takes the mean of the two middle values for an even count', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([5, 1, 3])).toBe(3);
    expect(median([])).toBeNull();
    expect(medianOf([null, 4, null, 2])).toBe(3);
    expect(medianOf([null])).toBeNull();
  });

  it('is the middle of the values sorted by a numeric comparison, whatever their order and sign', () => {
    const reference = (values: number[]) => {
      const sorted = [...values].sort((a, b) => a - b);
      const mid = sorted.length >> 1;
      return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
    };
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e9, max: 1e9 }), { minLength: 1, maxLength: 60 }), (values) => {
        // === : a typed array sorts -0 before 0 where a comparator keeps their order; JSON shows both as 0.
        const [got, want] = [median(values), reference(values)];
        expect(got === want, `median(${JSON.stringify(values)}) = ${got}, not ${want}`).toBe(true);
      }),
      { numRuns: 300, interruptAfterTimeLimit: 5_000 },
    );
  });
});

describe('cohort', () => {
  it('leaves out reps still ramping at the start of the baseline window', () => {
    const baselineStart = new Date('2026-08-24T00:00:00Z');
    const reps = [
      { repId: 1, email: 'a', startDate: null },
      { repId: 2, email: 'b', startDate: '2026-06-01' }, // exactly 12 weeks before: in
      { repId: 3, email: 'c', startDate: '2026-06-02' }, // one day short: out
    ];
    expect(cohort(reps, baselineStart, 12, (d) => startOfDateIn(d, 'UTC')).map((r) => r.repId)).toEqual([1, 2]);
  });
});

describe('ranking and top performers', () => {
  it('breaks ties by win rate, then deals won, then email; nulls rank last', () => {
    const ranked = rank([
      member(1, 'zed@x', 100, 0.5, 2),
      member(2, 'amy@x', 100, 0.5, 2),
      member(3, 'bob@x', 100, 0.6, 1),
      member(4, 'cat@x', null, 0.9, 9),
      member(5, 'dan@x', 100, 0.5, 3),
      member(6, 'eve@x', 0, null, 0),
    ]);
    expect(ranked.map((r) => r.repId)).toEqual([3, 5, 2, 1, 6, 4]);
  });

  it.each([
    [5, 2],
    [6, 2],
    [9, 3],
    [3, 1],
    [1, 1],
    [8, 2],
  ])('takes ⌈n × 0.25⌉ top performers of %i reps: %i', (n, expected) => {
    expect(topCount(n, 0.25)).toBe(expected);
  });

  it('has no baseline with fewer than minCohort reps', () => {
    const two = topPerformers([member(1, 'a', 5), member(2, 'b', 3)], 0.25, 3);
    expect(two).toMatchObject({ hasBaseline: false, top: [] });
    const three = topPerformers([member(1, 'a', 5), member(2, 'b', 3), member(3, 'c', 9)], 0.25, 3);
    expect(three.hasBaseline).toBe(true);
    expect(three.top.map((r) => r.repId)).toEqual([3]);
  });

  it('counts cohort members with no events in n', () => {
    const r = topPerformers([member(1, 'a', 5), ...[2, 3, 4, 5].map((i) => member(i, `z${i}`, null))], 0.25, 3);
    expect(r.top.map((m) => m.repId)).toEqual([1, 2]);
  });
});

describe('pace', () => {
  const t = { onPace: 0.9, behind: 0.6 };
  it('divides value by baseline, or baseline by value when lower is better', () => {
    expect(pace(9, 10, true)).toBe(0.9);
    expect(pace(20, 10, false)).toBe(0.5); // 20 h to first touch vs a 10 h baseline
    expect(pace(5, 10, false)).toBe(2);
  });
  it('stays within [0, 2] and handles zeros', () => {
    expect(pace(50, 10, true)).toBe(2);
    expect(pace(0, 0, true)).toBe(1);
    expect(pace(3, 0, true)).toBe(2);
    expect(pace(0, 4, true)).toBe(0);
    expect(pace(null, 4, true)).toBeNull();
  });
  it('has statuses at the thresholds', () => {
    expect(paceStatus(0.9, true, t)).toBe('on_pace');
    expect(paceStatus(0.89, true, t)).toBe('behind');
    expect(paceStatus(0.6, true, t)).toBe('behind');
    expect(paceStatus(0.59, true, t)).toBe('far_behind');
    expect(paceStatus(1, false, t)).toBe('no_baseline');
    expect(paceStatus(null, true, t)).toBe('no_data');
  });
});

describe('forecast', () => {
  const period = { start: new Date('2026-10-01T00:00:00Z'), end: new Date('2026-12-31T00:00:00Z') }; // 91 days
  it('gives both forecasts and the gap', () => {
    const f = forecast({ asOf: new Date('2026-11-15T12:00:00Z'), period, target: 100_000, bookedSoFar: 40_000, pipelinePerWeek: 10_000, winRate: 0.25 });
    expect(f.runRate).toBeCloseTo((40_000 / 45.5) * 91);
    expect(f.wholeWeeksLeft).toBe(6); // 45.5 days left
    expect(f.leading).toBe(40_000 + 10_000 * 6 * 0.25);
    expect(f.onTrack).toBe(false);
    expect(f.gap).toBe(45_000);
  });
  it('has no leading forecast without a win rate and no run rate at the very start', () => {
    const f = forecast({ asOf: period.start, period, target: 1, bookedSoFar: 0, pipelinePerWeek: 5, winRate: null });
    expect(f.leading).toBeNull();
    expect(f.runRate).toBeNull();
    expect(f.onTrack).toBeNull();
  });
  it('treats a target of 0 as met and its attainment as undefined', () => {
    const f = forecast({ asOf: new Date('2026-11-01T00:00:00Z'), period, target: 0, bookedSoFar: 0, pipelinePerWeek: 0, winRate: 0.5 });
    expect(f.onTrack).toBe(true);
    expect(attainment(500, 0)).toBeNull();
    expect(attainment(500, 1000)).toBe(0.5);
  });
  it('prorates a target to a window', () => {
    const window = { start: new Date('2026-10-01T00:00:00Z'), end: new Date('2026-10-14T00:00:00Z') };
    expect(prorate(91_000, period, window)).toBeCloseTo(13_000);
  });
});

describe('diagnosis', () => {
  const focus = (key: string, value: number, baseline: number, p: number | null, status: FocusPace['status'], n = 20): FocusPace => ({
    key,
    label: key.replace('cadence.', '') + 's',
    value,
    baseline,
    expectation: baseline,
    pace: p,
    status,
    n,
  });
  const behindForecast = forecast({
    asOf: new Date('2026-11-15T00:00:00Z'),
    period: { start: new Date('2026-10-01T00:00:00Z'), end: new Date('2027-01-01T00:00:00Z') },
    target: 100,
    bookedSoFar: 10,
    pipelinePerWeek: 10,
    winRate: 0.2,
  });
  const onTrackForecast = { ...behindForecast, target: 20 };
  type Input = Parameters<typeof diagnose>[0];
  const diag = (o: Partial<Input>) =>
    diagnose({
      repName: 'C',
      forecast: null,
      ramp: null,
      performance: null,
      teamMedianPerformance: null,
      focus: [],
      stages: [],
      stageFocus: (s) => focus(`stage_conversion.${s.stage}`, s.repRate ?? 0, s.teamRate ?? 0, null, 'on_pace', s.repDeals),
      minRateN: 8,
      metric: 'booked_revenue',
      figures: promptFigures('EUR', 'booked_revenue'),
      ...o,
    });

  it('writes money in the prompt in the workspace currency, compact', () => {
    const d = diag({ repName: 'Anna', forecast: { ...behindForecast, target: 2_155_000, leading: 587_037 }, focus: [focus('cadence.call', 2, 5, 0.4, 'far_behind')] });
    expect(d.prompt).toContain('leading forecast €587K against a target of €2.2M');
    const byMedian = diag({ repName: 'Ben', performance: 155_988.5, teamMedianPerformance: 201_000, focus: [focus('cadence.call', 2, 5, 0.4, 'far_behind')] });
    expect(byMedian.prompt).toContain("€156K on the team's performance metric against a team median of €201K");
    const winRate = diag({
      repName: 'Cy',
      metric: 'win_rate',
      figures: promptFigures('EUR', 'win_rate'),
      performance: 0.2,
      teamMedianPerformance: 0.31,
      focus: [focus('cadence.call', 2, 5, 0.4, 'far_behind')],
    });
    expect(winRate.prompt).toContain("20% on the team's performance metric against a team median of 31%");
  });

  it('says the week once when the indicator is named per week', () => {
    const d = diag({ repName: 'Anna', forecast: behindForecast, focus: [{ ...focus('cadence.call', 2, 5, 0.4, 'far_behind'), label: 'Calls per week' }] });
    expect(d.prompt).toContain('on Calls per week: 2 against an expected 5 (pace 40%)');
  });

  it('coaches the activity with the lowest pace when results and an activity are behind', () => {
    const d = diag({
      repName: 'Anna',
      forecast: behindForecast,
      focus: [focus('cadence.call', 12, 20, 0.6, 'behind'), focus('cadence.meeting', 2, 5, 0.4, 'far_behind'), focus('speed_to_lead_hours', 30, 3, 0.1, 'far_behind')],
    });
    expect(d.outcome).toBe('coach_activity');
    expect(d.activities.indicator?.key).toBe('cadence.meeting');
    expect(d.focus?.key).toBe('cadence.meeting');
    expect(d.prompt).toContain('2 a week against an expected 5 (pace 40%)');
  });

  // Updated for docs/metrics.md revision 2: a stage needs minRateN (8) decided deals, not 5.
  it('coaches the stage when activities are on pace but a conversion lags the team', () => {
    const d = diag({
      repName: 'Bo',
      forecast: behindForecast,
      focus: [focus('cadence.call', 20, 20, 1, 'on_pace')],
      stages: [
        { stage: 'demo', repRate: 0.2, repDeals: 10, teamRate: 0.5 },
        { stage: 'proposal', repRate: 0.1, repDeals: 7, teamRate: 0.6 }, // too few decided deals to say
      ],
    });
    expect(d.outcome).toBe('coach_stage');
    expect(d.methodology.stage?.stage).toBe('demo');
    expect(d.focus?.key).toBe('stage_conversion.demo');
    expect(d.prompt).toContain("20% of deals out of demo (10 decided) against the team's 50%");
  });

  it('finds a methodology gap in any other focus indicator behind, never in one with too few', () => {
    const slow = focus('speed_to_lead_hours', 30, 10, 0.33, 'far_behind');
    const d = diag({ forecast: behindForecast, focus: [focus('cadence.call', 20, 20, 1, 'on_pace'), slow, focus('sla_hit_rate', 0.1, 0.9, null, 'too_few', 3)] });
    expect(d.outcome).toBe('coach_stage');
    expect(d.methodology).toMatchObject({ gap: true, stage: null, indicator: { key: 'speed_to_lead_hours' } });
    const fewOnly = diag({ forecast: behindForecast, focus: [focus('sla_hit_rate', 0.1, 0.9, null, 'too_few', 3)] });
    expect(fewOnly.outcome).toBe('look_past_rep');
  });

  it('looks past the rep when only results lag, and recognises reps on track', () => {
    expect(diag({ forecast: behindForecast }).outcome).toBe('look_past_rep');
    expect(diag({ performance: 10, teamMedianPerformance: 5 }).outcome).toBe('recognise');
    expect(diag({ performance: 4, teamMedianPerformance: 5 }).results).toMatchObject({ gap: true, basis: 'team_median' });
  });

  it('puts results first: no ask for a rep on track, whatever the activity', () => {
    const d = diag({ forecast: onTrackForecast, focus: [focus('cadence.call', 2, 20, 0.1, 'far_behind')] });
    expect(d.outcome).toBe('recognise');
    expect(d.focus).toBeNull();
  });

  it('uses the run-rate forecast when the leading one is null, and has no basis when both are', () => {
    const runRateOnly = { ...behindForecast, leading: null, runRate: 50 };
    expect(diag({ forecast: runRateOnly }).results).toMatchObject({ gap: true, basis: 'target', forecast: 50, forecastKind: 'run_rate' });
    expect(diag({ forecast: { ...runRateOnly, runRate: null } }).outcome).toBe('no_basis');
  });

  it('never judges a ramping rep against the team median, and asks only for a far-behind activity', () => {
    const ramp = { week: 3, of: 12, share: 0.25 };
    const d = diag({ ramp, performance: 0, teamMedianPerformance: 298_750, focus: [focus('cadence.call', 4, 5, 0.8, 'behind')] });
    expect(d.outcome).toBe('ramping');
    expect(d.results.gap).toBe(false);
    expect(d.focus).toBeNull();
    expect(d.prompt).toContain('ramping: week 3 of 12');
    const far = diag({ ramp, focus: [focus('cadence.call', 1, 5, 0.2, 'far_behind')] });
    expect(far.outcome).toBe('ramping');
    expect(far.focus?.key).toBe('cadence.call');
    // With a target of their own, a ramping rep is judged on it.
    expect(diag({ ramp, forecast: behindForecast, focus: [focus('cadence.call', 4, 5, 0.8, 'behind')] }).outcome).toBe('coach_activity');
  });
});

describe('spearman', () => {
  it('is 1 for a monotone relation and -1 for a reversed one, with ties ranked on average', () => {
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 400])).toBeCloseTo(1);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1);
    // Hand-computed: ranks x = 1, 2.5, 2.5, 4; y = 1, 2, 3, 4 → ρ = 4.5 / √(4.5 · 5) ≈ 0.9487
    expect(spearman([1, 2, 2, 3], [1, 2, 3, 4])).toBeCloseTo(0.9487, 4);
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNull();
  });

  it('flips lower-is-better indicators and labels small cohorts', () => {
    const pairs = Array.from({ length: 8 }, (_, i) => ({ indicator: 10 - i, performance: i }));
    expect(indicatorLink({ key: 'speed_to_lead_hours', higherIsBetter: false, pairs })).toMatchObject({ rho: 1, n: 8, label: 'tracks_results' });
    expect(indicatorLink({ key: 'cadence.call', higherIsBetter: true, pairs })).toMatchObject({ rho: -1, label: 'weak_or_no_link' });
    expect(indicatorLink({ key: 'cadence.call', higherIsBetter: true, pairs: pairs.slice(0, 4) }).label).toBe('too_few_reps');
  });
});
