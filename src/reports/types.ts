import type { AlertCandidate } from '../metrics/rules.js';
import type { IndicatorLink } from '../metrics/correlation.js';
import type { Diagnosis } from '../metrics/diagnosis.js';
import type { Forecast } from '../metrics/forecast.js';
import type { Lagging } from '../metrics/lagging.js';
import type { StaleReason } from '../metrics/data-health.js';
import type { PaceStatus } from '../metrics/pace.js';

/** The report JSON of interfaces.md. Instants are ISO strings with the team's offset, no milliseconds. */
export interface WindowJson {
  start: string;
  end: string;
  weeks: number;
}

export interface LeadingJson {
  key: string;
  label: string;
  value: number | null;
  baseline: number | null;
  teamMedian: number | null;
  pace: number | null;
  status: PaceStatus;
  higherIsBetter: boolean;
  n: number;
  amount?: number;
  velocityDays?: number | null;
}

export type LaggingJson = Lagging;

/** The pace to target of metrics.md, with the period's instants as strings. */
export type ForecastJson = Omit<Forecast, 'period'> & { metric: 'booked_revenue'; period: { start: string; end: string } };

export interface WeekToDateJson {
  value: number | null;
  /** Counts only: value ÷ (baseline × share of the working week elapsed). */
  pace: number | null;
  status: PaceStatus | null;
}

export interface FocusSuggestionJson {
  key: string;
  label: string;
  value: number | null;
  baseline: number | null;
  pace: number | null;
  /** Counts: ⌈baseline − week-to-date value⌉ more this week closes the gap; null for rates. */
  moreThisWeek: number | null;
  weekToDate: number | null;
}

export interface AlertJson {
  rule: AlertCandidate['rule'];
  key: string;
  subject: string;
  triggeredAt: string;
  detail: AlertCandidate['detail'];
}

/** Data health (metrics.md "Data health"): instants with the figure's offset; `stale` null for a historical report. */
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
  windows: { cadence: WindowJson; baseline: WindowJson };
  /** Active weeks of the rep in each window (fewer than the window's for new hires). */
  activeWeeks: { cadence: number; baseline: number };
  currency: string;
  focus: string[];
  leading: LeadingJson[];
  lagging: { cadenceWindow: LaggingJson; baselineWindow: LaggingJson };
  topPerformer: boolean;
  /** False when the team has fewer than minCohort reps: no baseline, and messages say so. */
  hasBaseline: boolean;
  forecast: ForecastJson;
  diagnosis: Diagnosis;
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
}

export interface TeamReport {
  asOf: string;
  team: string;
  timezone: string;
  currency: string;
  windows: { cadence: WindowJson; baseline: WindowJson };
  focus: string[];
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
