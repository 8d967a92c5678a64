import type { PerformanceMetric } from './baselines.js';
import type { Forecast } from './forecast.js';
import { isActivityIndicator } from './indicators.js';
import type { PaceStatus } from './pace.js';
import type { Ramp } from './ramp.js';

/** A focus indicator of one rep (counts over the cadence window, rates over the rate window) against its expectation. */
export interface FocusPace {
  key: string;
  label: string;
  value: number | null;
  baseline: number | null;
  /** The baseline, ramped for a ramping rep on a count (docs/metrics.md "Pace"). */
  expectation: number | null;
  pace: number | null;
  status: PaceStatus;
  n: number;
}

/** One stage's conversion over the rate window: the rep's and the team's (cohort's decided deals pooled). */
export interface StageComparison {
  stage: string;
  repRate: number | null;
  /** The rep's deals decided at the stage in the rate window. */
  repDeals: number;
  teamRate: number | null;
}

/** `ramping` and `no_basis` (rev 2): no basis to judge results on, so nothing is asked (see diagnose). */
export type DiagnosisOutcome = 'coach_activity' | 'coach_stage' | 'look_past_rep' | 'recognise' | 'ramping' | 'no_basis';

export interface Diagnosis {
  results: {
    gap: boolean;
    basis: 'target' | 'team_median' | 'none';
    /** The forecast compared with the target: the leading one, else the run-rate one. */
    forecast: number | null;
    forecastKind: 'leading' | 'run_rate' | null;
    /** The rep's own target, prorated by the ramp share for a ramping rep unless it is `ramped: true`. */
    target: number | null;
    /** What `performance` and `teamMedian` measure (the team's performance metric). */
    metric: PerformanceMetric;
    performance: number | null;
    teamMedian: number | null;
  };
  activities: { gap: boolean; indicator: FocusPace | null };
  /** A weak stage (below 0.75 × the team's), or another focus indicator behind; the lowest pace is named. */
  methodology: { gap: boolean; stage: StageComparison | null; indicator: FocusPace | null };
  outcome: DiagnosisOutcome;
  /** The one thing to focus on: set for coach_activity, coach_stage, and ramping with a far-behind activity. */
  focus: FocusPace | null;
  /** A concrete coaching prompt carrying the numbers it rests on. */
  prompt: string;
}

export const METHODOLOGY_SHARE = 0.75;

const pct = (x: number | null) => (x === null ? '—' : `${Math.round(x * 100)}%`);

/**
 * How the prompt writes its figures, given by the report (which knows the currency and the
 * performance metric): money in the workspace currency, the performance metric, an indicator.
 */
export interface PromptFigures {
  money: (x: number | null) => string;
  performance: (x: number | null) => string;
  value: (key: string, x: number | null) => string;
}

const behind = (f: FocusPace) => (f.status === 'behind' || f.status === 'far_behind') && f.pace !== null;
const byPace = <T extends { pace: number | null }>(list: readonly T[]): T | null => [...list].sort((a, b) => a.pace! - b.pace!)[0] ?? null;

/** Step 1: the results verdict (docs/metrics.md "Diagnosis for coaching", rev 2). */
function resultsOf(input: { forecast: Forecast | null; ramping: boolean; metric: PerformanceMetric; performance: number | null; teamMedianPerformance: number | null }): Diagnosis['results'] {
  const f = input.forecast;
  const common = { metric: input.metric, performance: input.performance, teamMedian: input.teamMedianPerformance };
  if (f && f.target !== null) {
    const [forecast, forecastKind] = f.leading !== null ? [f.leading, 'leading' as const] : f.runRate !== null ? [f.runRate, 'run_rate' as const] : [null, null];
    return { gap: forecast !== null && forecast < f.target, basis: forecast === null ? 'none' : 'target', forecast, forecastKind, target: f.target, ...common };
  }
  const leading = f?.leading ?? null;
  const base = { forecast: leading, forecastKind: leading === null ? null : ('leading' as const), target: null, ...common };
  // A ramping rep without a target of their own is never judged against the team median.
  if (!input.ramping && input.performance !== null && input.teamMedianPerformance !== null) {
    return { ...base, gap: input.performance < input.teamMedianPerformance, basis: 'team_median' };
  }
  return { ...base, gap: false, basis: 'none' };
}

/**
 * Results first (docs/metrics.md "Diagnosis for coaching", rev 2):
 * 1. results: against the rep's own target (leading forecast, else run-rate), else the team median
 *    on the performance metric — except a ramping rep, who then has no basis (`ramping`); with no
 *    basis at all the outcome is `no_basis`;
 * 2. activities: an activity focus indicator behind or far behind its expectation (lowest pace);
 * 3. methodology (only without an activity gap): a stage converting below 0.75 × the team's with
 *    at least `minRateN` of the rep's deals decided there (pace: rep ÷ team), or any other focus
 *    indicator behind or far behind (never `too_few`); the lowest pace is named.
 * Only coach_activity and coach_stage ask for something; a ramping rep is asked only when an
 * activity focus indicator is far behind the ramped expectation.
 */
export function diagnose(input: {
  repName: string;
  forecast: Forecast | null;
  ramp: Ramp | null;
  metric: PerformanceMetric;
  performance: number | null;
  teamMedianPerformance: number | null;
  focus: readonly FocusPace[];
  stages: readonly StageComparison[];
  /** Rep's own leading entries by key, to name a weak stage with its figures. */
  stageFocus: (stage: StageComparison) => FocusPace;
  minRateN: number;
  figures: PromptFigures;
}): Diagnosis {
  const results = resultsOf({ ...input, ramping: input.ramp !== null });

  const activity = byPace(input.focus.filter((k) => isActivityIndicator(k.key) && behind(k)));

  const weakStages = input.stages
    .filter((s) => s.repRate !== null && s.teamRate !== null && s.teamRate > 0 && s.repDeals >= input.minRateN && s.repRate < METHODOLOGY_SHARE * s.teamRate)
    .map((s) => ({ stage: s, indicator: null, pace: s.repRate! / s.teamRate! }));
  const weakIndicators = input.focus.filter((k) => !isActivityIndicator(k.key) && behind(k)).map((k) => ({ stage: null, indicator: k, pace: k.pace }));
  const method = activity ? null : byPace<{ stage: StageComparison | null; indicator: FocusPace | null; pace: number | null }>([...weakStages, ...weakIndicators]);

  const noBasis = results.basis === 'none';
  const outcome = noBasis ? (input.ramp ? 'ramping' : 'no_basis') : !results.gap ? 'recognise' : activity ? 'coach_activity' : method ? 'coach_stage' : 'look_past_rep';

  let focus: FocusPace | null = null;
  if (outcome === 'coach_activity') focus = activity;
  else if (outcome === 'coach_stage') focus = method!.indicator ?? input.stageFocus(method!.stage!);
  else if (outcome === 'ramping') focus = byPace(input.focus.filter((k) => isActivityIndicator(k.key) && k.status === 'far_behind' && k.pace !== null));

  return {
    results,
    activities: { gap: activity !== null, indicator: activity },
    methodology: { gap: method !== null, stage: method?.stage ?? null, indicator: method?.indicator ?? null },
    outcome,
    focus,
    prompt: promptFor(outcome, input.repName, results, focus, method?.stage ?? null, input.ramp, input.figures),
  };
}

function resultsLine(r: Diagnosis['results'], f: PromptFigures): string {
  if (r.basis === 'target') return `${r.forecastKind === 'run_rate' ? 'run-rate' : 'leading'} forecast ${f.money(r.forecast)} against a target of ${f.money(r.target)}`;
  if (r.basis === 'team_median') return `${f.performance(r.performance)} on the team's performance metric against a team median of ${f.performance(r.teamMedian)}`;
  return 'no target or team comparison yet';
}

function promptFor(outcome: DiagnosisOutcome, name: string, r: Diagnosis['results'], focus: FocusPace | null, stage: StageComparison | null, ramp: Ramp | null, f: PromptFigures): string {
  const num = (x: FocusPace, v: number | null) => f.value(x.key, v);
  // "Calls per week: 42.8 a week" says the week twice.
  const weekly = (x: FocusPace) => (/per week$/i.test(x.label) ? '' : ' a week');
  const rampLine = ramp ? `ramping: week ${ramp.week} of ${ramp.of}, expected at ${pct(ramp.share)} of the top-performer pace` : '';
  switch (outcome) {
    case 'coach_activity': {
      const a = focus!;
      return `${name} is behind on results (${resultsLine(r, f)}) and on ${a.label}: ${num(a, a.value)}${weekly(a)} against an expected ${num(a, a.expectation)} (pace ${pct(a.pace)}). Agree on this week's goal and check in midweek.`;
    }
    case 'coach_stage': {
      if (stage) {
        return `${name} has the activity but converts ${pct(stage.repRate)} of deals out of ${stage.stage} (${stage.repDeals} decided) against the team's ${pct(stage.teamRate)}, and is behind on results (${resultsLine(r, f)}). Review two recent ${stage.stage} deals together: what happened, and what moves a deal on.`;
      }
      const k = focus!;
      return `${name} has the activity but is behind on ${k.label}: ${num(k, k.value)} against the top-performer ${num(k, k.expectation)} (pace ${pct(k.pace)}, n ${k.n}), and is behind on results (${resultsLine(r, f)}). Go through recent examples together.`;
    }
    case 'look_past_rep':
      return `${name} is behind on results (${resultsLine(r, f)}) with activity and conversion on pace. Look past the rep: lead quality, territory or product fit.`;
    case 'recognise':
      return `${name} is on track (${resultsLine(r, f)}). Recognise it, and ask what is working so the team can learn from it.`;
    case 'ramping':
      return focus
        ? `${name} is ${rampLine}; ${focus.label} is far behind even that: ${num(focus, focus.value)}${weekly(focus)} against an expected ${num(focus, focus.expectation)} (pace ${pct(focus.pace)}). Agree on this week's goal.`
        : `${name} is ${rampLine}, with no target of their own yet. The numbers are for information.`;
    case 'no_basis':
      return `${name} has no target and no team comparison yet (${resultsLine(r, f)}). The numbers are for information.`;
  }
}
