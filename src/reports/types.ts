import type { AlertCandidate } from '../metrics/rules.js';
import type { IndicatorLink } from '../metrics/correlation.js';
import type { Diagnosis } from '../metrics/diagnosis.js';
import type { Forecast } from '../metrics/forecast.js';
import type { WeekGoal } from '../metrics/goal.js';
import type { Lagging } from '../metrics/lagging.js';
import type { StaleReason } from '../metrics/data-health.js';
import type { PaceStatus } from '../metrics/pace.js';
import type { Ramp } from '../metrics/ramp.js';
import type { RecordInfo } from '../metrics/records.js';

/** The report JSON of docs/interfaces.md. Instants are ISO strings with the team's offset, no milliseconds. */
export interface WindowJson {
  start: string;
  end: string;
  weeks: number;
}

export interface LeadingJson {
  key: string;
  label: string;
  /** Counts over the cadence window; rates and speed to lead over the rate window (rev 2). */
  value: number | null;
  /** Top performers' median over the same team-wide window as `value` (rev 2). */
  baseline: number | null;
  /** Top performers' median over the baseline window. */
  baselineLongRun: number | null;
  /** What the rep is paced against: the baseline, ramped on counts for a ramping rep. */
  expectation: number | null;
  teamMedian: number | null;
  /** value ÷ expectation (inverted where lower is better); null for a `too_few` figure. */
  pace: number | null;
  status: PaceStatus;
  higherIsBetter: boolean;
  n: number;
  amount?: number;
  velocityDays?: number | null;
}

export type LaggingJson = Lagging;

/** The pace to target of docs/metrics.md, with the period's instants as strings. */
export type ForecastJson = Omit<Forecast, 'period'> & { metric: 'booked_revenue'; period: { start: string; end: string } };

export interface WeekToDateJson {
  value: number | null;
  /** Counts only: value ÷ (expectation × share of the working week elapsed). */
  pace: number | null;
  status: PaceStatus | null;
}

export interface FocusSuggestionJson {
  key: string;
  label: string;
  value: number | null;
  baseline: number | null;
  expectation: number | null;
  pace: number | null;
  /** This week's goal still to go (`goal.toGo`); null when there is no goal (rates, or no ask). */
  moreThisWeek: number | null;
  weekToDate: number | null;
}

export interface AlertJson {
  rule: AlertCandidate['rule'];
  key: string;
  subject: string;
  triggeredAt: string;
  detail: AlertCandidate['detail'];
  /** The deal or lead the alert is about, with its name and link as of the report (null for an activity drop). */
  record: RecordJson | null;
}

/** A deal or lead as reports name it (docs/metrics.md "Events", rev 2). */
export type RecordJson = RecordInfo;

/** Data health (docs/metrics.md "Data health"): instants with the figure's offset; `stale` null for a historical report. */
export interface DataHealthJson {
  lastReceivedAt: string | null;
  lastOccurredAt: string | null;
  stale: boolean | null;
  reason: StaleReason | null;
  sources: { name: string; lastSuccessAt: string | null; error: string | null }[];
}

export interface RepReport {
  asOf: string;
  rep: { email: string; name: string; team: string };
  windows: { cadence: WindowJson; rate: WindowJson; baseline: WindowJson };
  /** Active weeks of the rep in each window (fewer than the window's for new hires). */
  activeWeeks: { cadence: number; rate: number; baseline: number };
  currency: string;
  focus: string[];
  leading: LeadingJson[];
  lagging: { cadenceWindow: LaggingJson; baselineWindow: LaggingJson };
  topPerformer: boolean;
  /** False when the team has fewer than minCohort reps: no baseline, and messages say so. */
  hasBaseline: boolean;
  /** Week w of R while ramping, with the share of the baseline expected; null otherwise. */
  ramp: Ramp | null;
  forecast: ForecastJson;
  diagnosis: Diagnosis;
  /** This week's goal on the thing to focus on (a count behind its expectation); null otherwise. */
  goal: WeekGoal | null;
  focusSuggestion: FocusSuggestionJson | null;
  alerts: AlertJson[];
  weekToDate: Record<string, WeekToDateJson>;
  trend: Record<string, (number | null)[]>;
  /** The team's data health: while stale, no alert and no activity ask. */
  dataHealth: DataHealthJson;
}

export interface TeamTotalsJson {
  reps: number;
  cadenceWindow: LaggingJson & { pipelineCreatedPerWeek: number | null; activitiesPerWeek: Record<string, number | null> };
  baselineWindow: LaggingJson;
  forecast: ForecastJson;
  /** Team activity per rep-week against the top-performer baseline. */
  paceAgainstTop: Record<string, number | null>;
  /**
   * Per activity focus indicator, the team's own pace against its usual one (docs/metrics.md "Top
   * performers and baselines"): the mean weekly count per rep over the cadence window and over the
   * baseline window (rep-weeks of active weeks), and cadence ÷ baseline (null on a zero baseline).
   */
  usualPace: Record<string, UsualPaceJson>;
}

export interface UsualPaceJson {
  cadence: number | null;
  baseline: number | null;
  ratio: number | null;
}

export interface TeamReport {
  asOf: string;
  team: string;
  timezone: string;
  currency: string;
  windows: { cadence: WindowJson; rate: WindowJson; baseline: WindowJson };
  focus: string[];
  /** Rates with a smaller n are `too_few` (docs/metrics.md, rev 2). */
  minRateN: number;
  cohort: string[];
  topPerformers: string[];
  hasBaseline: boolean;
  baselines: Record<string, number | null>;
  teamMedians: Record<string, number | null>;
  /** Which focus indicators track results on this team (Spearman across the cohort). */
  links: IndicatorLink[];
  members: RepReport[];
  totals: TeamTotalsJson;
  dataHealth: DataHealthJson;
}
