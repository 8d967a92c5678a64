import type { StageComparison } from '../metrics/diagnosis.js';
import type { WeekGoal } from '../metrics/goal.js';
import { isActivityIndicator } from '../metrics/indicators.js';
import type { RepReport } from './types.js';

/**
 * What a rep is asked for this week (docs/metrics.md "Diagnosis for coaching", rev 2), the one
 * decision every surface renders: /mykpis, App Home, the nudge, the digest, the recap, /teamkpis
 * and the CLI. Only `coach_activity` and `coach_stage` ask, and `ramping` when an activity is far
 * behind the ramped expectation; every other outcome shows its numbers as information.
 */
export type Ask =
  /** A count: this week's goal, the stepping stone of docs/metrics.md "Words used in messages". */
  | { kind: 'goal'; key: string; label: string; goal: WeekGoal; expectation: number; ramping: boolean }
  /** A rate, hours or a stage: no number to add, the rep's value against what they are compared with. */
  | {
      kind: 'figure';
      key: string;
      label: string;
      value: number | null;
      /** The top performers' value, or for a weak stage the team's conversion. */
      against: number | null;
      stage: StageComparison | null;
      n: number;
      higherIsBetter: boolean;
    };

/** The ask every surface shows for this report, or null: nothing is asked, the numbers are information. */
export function askOf(r: RepReport): Ask | null {
  const d = r.diagnosis;
  const focus = d.focus;
  if (!focus) return null;
  const asks = d.outcome === 'coach_activity' || d.outcome === 'coach_stage' || (d.outcome === 'ramping' && focus.status === 'far_behind');
  if (!asks) return null;
  if (isActivityIndicator(focus.key)) {
    // docs/metrics.md "Data health": while the data is stale no activity ask is made (the goal stays in the report as information).
    if (r.dataHealth.stale === true) return null;
    // A count behind its expectation always has a goal (compute.ts); without one there is no number to ask for.
    if (!r.goal || r.goal.key !== focus.key || focus.expectation === null) return null;
    return { kind: 'goal', key: focus.key, label: focus.label, goal: r.goal, expectation: focus.expectation, ramping: r.ramp !== null };
  }
  const higherIsBetter = r.leading.find((l) => l.key === focus.key)?.higherIsBetter ?? true;
  const stage = d.methodology.stage !== null && focus.key === `stage_conversion.${d.methodology.stage.stage}` ? d.methodology.stage : null;
  return { kind: 'figure', key: focus.key, label: focus.label, value: focus.value, against: focus.expectation, stage, n: stage ? stage.repDeals : focus.n, higherIsBetter };
}
