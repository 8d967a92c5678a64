import type { Forecast } from './forecast.js';
import { isActivityIndicator } from './indicators.js';
import type { PaceStatus } from './pace.js';

/** A focus indicator of one rep over the cadence window against the baseline. */
export interface FocusPace {
  key: string;
  label: string;
  value: number | null;
  baseline: number | null;
  pace: number | null;
  status: PaceStatus;
}

/** One stage's conversion: the rep's and the team's (cohort deals pooled), over the baseline window. */
export interface StageComparison {
  stage: string;
  repRate: number | null;
  /** The rep's deals that entered the stage in the baseline window. */
  repDeals: number;
  teamRate: number | null;
}

export type DiagnosisOutcome = 'coach_activity' | 'coach_stage' | 'look_past_rep' | 'recognise';

export interface Diagnosis {
  results: { gap: boolean; basis: 'target' | 'team_median' | 'none'; forecast: number | null; target: number | null; performance: number | null; teamMedian: number | null };
  activities: { gap: boolean; indicator: FocusPace | null };
  methodology: { gap: boolean; stage: StageComparison | null };
  outcome: DiagnosisOutcome;
  /** A concrete coaching prompt carrying the numbers it rests on. */
  prompt: string;
}

export const METHODOLOGY_SHARE = 0.75;
export const METHODOLOGY_MIN_DEALS = 5;

const pct = (x: number | null) => (x === null ? '—' : `${Math.round(x * 100)}%`);
/** Results (revenue or deals) as whole numbers with thousands separators: "155,989", not "155988.5". */
const amount = (x: number | null) => (x === null ? '—' : Math.round(x).toLocaleString('en-US'));
const num = (x: number | null) => (x === null ? '—' : Number.isInteger(x) ? String(x) : x.toFixed(1));

/**
 * Results vs Objectives, Activities, Methodology (metrics.md):
 * 1. results gap: the leading forecast is below the rep's target (without a target: the rep is
 *    below the team median on the performance metric);
 * 2. activity gap: an activity focus indicator (cadence.*, pipeline_created) is behind or far
 *    behind; the one with the lowest pace is named;
 * 3. methodology gap (only without an activity gap): a stage conversion below 0.75 × the team's,
 *    with at least 5 of the rep's deals entering the stage; the lowest relative one is named.
 */
export function diagnose(input: {
  repName: string;
  forecast: Forecast | null;
  performance: number | null;
  teamMedianPerformance: number | null;
  focus: readonly FocusPace[];
  stages: readonly StageComparison[];
}): Diagnosis {
  const f = input.forecast;
  let results: Diagnosis['results'];
  if (f && f.target !== null && f.leading !== null) {
    results = { gap: f.leading < f.target, basis: 'target', forecast: f.leading, target: f.target, performance: input.performance, teamMedian: input.teamMedianPerformance };
  } else if (input.performance !== null && input.teamMedianPerformance !== null) {
    results = { gap: input.performance < input.teamMedianPerformance, basis: 'team_median', forecast: f?.leading ?? null, target: f?.target ?? null, performance: input.performance, teamMedian: input.teamMedianPerformance };
  } else {
    results = { gap: false, basis: 'none', forecast: f?.leading ?? null, target: f?.target ?? null, performance: input.performance, teamMedian: input.teamMedianPerformance };
  }

  const lagging = input.focus
    .filter((k) => isActivityIndicator(k.key) && (k.status === 'behind' || k.status === 'far_behind') && k.pace !== null)
    .sort((a, b) => a.pace! - b.pace!);
  const activity = lagging[0] ?? null;

  const weakStages = activity
    ? []
    : input.stages
        .filter((s) => s.repRate !== null && s.teamRate !== null && s.teamRate > 0 && s.repDeals >= METHODOLOGY_MIN_DEALS && s.repRate < METHODOLOGY_SHARE * s.teamRate)
        .sort((a, b) => a.repRate! / a.teamRate! - b.repRate! / b.teamRate!);
  const stage = weakStages[0] ?? null;

  const outcome: DiagnosisOutcome = !results.gap ? 'recognise' : activity ? 'coach_activity' : stage ? 'coach_stage' : 'look_past_rep';
  return {
    results,
    activities: { gap: activity !== null, indicator: activity },
    methodology: { gap: stage !== null, stage },
    outcome,
    prompt: promptFor(outcome, input.repName, results, activity, stage),
  };
}

function resultsLine(r: Diagnosis['results']): string {
  if (r.basis === 'target') return `leading forecast ${amount(r.forecast)} against a target of ${amount(r.target)}`;
  if (r.basis === 'team_median') return `${amount(r.performance)} on the team's performance metric against a team median of ${amount(r.teamMedian)}`;
  return 'no target or team comparison yet';
}

function promptFor(outcome: DiagnosisOutcome, name: string, r: Diagnosis['results'], activity: FocusPace | null, stage: StageComparison | null): string {
  switch (outcome) {
    case 'coach_activity': {
      const a = activity!;
      const gap = a.baseline !== null && a.value !== null ? Math.max(0, a.baseline - a.value) : null;
      return `${name} is behind on results (${resultsLine(r)}) and on ${a.label}: ${num(a.value)} a week against the top-performer ${num(a.baseline)} (pace ${pct(a.pace)}). Agree on ${gap === null ? 'a concrete number' : `${Math.ceil(gap)} more a week`} and check in midweek.`;
    }
    case 'coach_stage': {
      const s = stage!;
      return `${name} has the activity but converts ${pct(s.repRate)} of deals out of ${s.stage} (${s.repDeals} deals) against the team's ${pct(s.teamRate)}, and is behind on results (${resultsLine(r)}). Review two recent ${s.stage} deals together: what happened, and what moves a deal on.`;
    }
    case 'look_past_rep':
      return `${name} is behind on results (${resultsLine(r)}) with activity and conversion on pace. Look past the rep: lead quality, territory or product fit.`;
    case 'recognise':
      return `${name} is on track (${resultsLine(r)}). Recognise it, and ask what is working so the team can learn from it.`;
  }
}
