import { isActivityIndicator } from '../metrics/indicators.js';
import { indicatorLabel, indicatorUnit } from '../reports/labels.js';
import type { ForecastJson, RepReport, TeamReport } from '../reports/types.js';
import { formatChartValue, type CadenceChartInput, type ResultsChartInput } from './render.js';

/**
 * What the charts show, taken from the reports: the 8-week trend of a focus activity against
 * the top-performer baseline (a rep's own, or the team's summed over its members), and results
 * against target with both forecasts. Each also has its alt text, read by screen readers and
 * shown where images are off.
 */

const DAY_MS = 86_400_000;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "Mar 3" for a calendar date held as UTC midnight. */
const dayLabel = (d: Date) => `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}`;

/** The calendar date an ISO instant with the team's offset names ("2025-03-10T00:00:00+01:00" → Mar 10). */
function calendarDate(iso: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) throw new Error(`not an ISO date: ${iso}`);
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
}

/**
 * The first day of each of the `count` complete weeks before the current one, oldest first:
 * the weeks of the reports' trends, which end where the cadence window ends.
 */
export function trendWeekLabels(windowEnd: string, count: number): string[] {
  const end = calendarDate(windowEnd).getTime();
  return Array.from({ length: count }, (_, i) => dayLabel(new Date(end - (count - i) * 7 * DAY_MS)));
}

const isRate = (key: string) => key.endsWith('_rate') || key.includes('_rate.') || key.startsWith('stage_conversion.');

/** What an indicator's chart values count: a noun, %, or the currency. */
function unitOf(key: string, currency: string): string {
  if (key === 'pipeline_created') return currency;
  if (isRate(key)) return '%';
  if (key === 'speed_to_lead_hours') return 'hours';
  return indicatorUnit(key) || indicatorLabel(key).toLowerCase();
}

/** Values as the chart shows them: rates as percentages. */
const scaled = (key: string, v: number | null) => (v === null ? null : isRate(key) ? v * 100 : v);

const weekly = (label: string) => label.replace(/ per week$/, '');

/**
 * The team's first focus activity, week by week over the trend: the sum of its members' weeks,
 * against every rep at the top-performer baseline (baseline × reps). Null when the team's focus
 * has no activity.
 */
export function teamCadenceChartInput(report: TeamReport): CadenceChartInput | null {
  const key = report.focus.find(isActivityIndicator);
  if (!key) return null;
  const trends = report.members.map((m) => m.trend[key] ?? []);
  const weeks = Math.max(0, ...trends.map((t) => t.length));
  if (weeks === 0) return null;
  const values = Array.from({ length: weeks }, (_, i) => {
    const known = trends.map((t) => t[i] ?? null).filter((v): v is number => v !== null);
    return known.length === 0 ? null : known.reduce((a, b) => a + b, 0);
  });
  const perRep = report.baselines[key] ?? null;
  return {
    title: `${report.team}: ${weekly(indicatorLabel(key)).toLowerCase()} a week as a team`,
    weeks: trendWeekLabels(report.windows.cadence.end, weeks),
    values,
    baseline: perRep === null ? null : perRep * report.totals.reps,
    unit: unitOf(key, report.currency),
    baselineLabel: `all ${report.totals.reps} reps at the top-performer pace`,
  };
}

/**
 * The rep's first focus indicator (an activity if the focus has one), week by week over the
 * trend, against the top-performer baseline. Null when the focus names nothing the report has.
 */
export function repCadenceChartInput(report: RepReport): CadenceChartInput | null {
  const focus = report.focus.flatMap((k) => report.leading.filter((l) => l.key === k));
  const l = focus.find((x) => isActivityIndicator(x.key)) ?? focus[0];
  const trend = l ? report.trend[l.key] : undefined;
  if (!l || !trend || trend.length === 0) return null;
  return {
    title: `Your ${weekly(l.label).toLowerCase()}, week by week${l.higherIsBetter ? '' : ' (lower is better)'}`,
    weeks: trendWeekLabels(report.windows.cadence.end, trend.length),
    values: trend.map((v) => scaled(l.key, v)),
    baseline: scaled(l.key, l.baseline),
    unit: unitOf(l.key, report.currency),
  };
}

/** "Jan 1 – Mar 31" for a forecast's period (its end is exclusive). */
function periodLabel(f: ForecastJson): string {
  const start = calendarDate(f.period.start);
  const last = new Date(calendarDate(f.period.end).getTime() - DAY_MS);
  return `${dayLabel(start)} – ${dayLabel(last)}`;
}

/** Booked so far against the period's target, with the run-rate and leading forecasts. */
export function resultsChartInput(report: RepReport | TeamReport): ResultsChartInput {
  const team = 'members' in report;
  const f = team ? report.totals.forecast : report.forecast;
  return {
    title: `${team ? `${report.team}: results` : 'Your results'}, ${periodLabel(f)}`,
    booked: f.bookedSoFar,
    target: f.target,
    runRate: f.runRate,
    leading: f.leading,
    currency: report.currency,
  };
}

/** The cadence chart in words: each week's figure, then the baseline. */
export function cadenceAltText(input: CadenceChartInput): string {
  const v = (x: number | null) => (x === null ? 'no data' : formatChartValue(x, input.unit, false));
  const unit = input.unit === '%' || /^[A-Z]{3}$/.test(input.unit) ? '' : ` ${input.unit}`;
  const weeks = input.weeks.map((w, i) => `${w}: ${v(input.values[i] ?? null)}`).join(', ');
  const baseline = input.baseline === null ? 'No top-performer baseline yet.' : `Dashed line, ${input.baselineLabel ?? 'top performers'}: ${v(input.baseline)}${unit} a week.`;
  return `Bar chart, ${input.title}. Weeks oldest first — ${weeks}. ${baseline}`;
}

/** The results chart in words. */
export function resultsAltText(input: ResultsChartInput): string {
  const m = (x: number | null) => (x === null ? 'not known yet' : formatChartValue(x, input.currency, false));
  const target = input.target === null || input.target <= 0 ? 'no target set' : `target ${m(input.target)} (${Math.round((input.booked / input.target) * 100)}% booked)`;
  return `Bar chart, ${input.title}: booked so far ${m(input.booked)}, ${target}, run-rate forecast ${m(input.runRate)}, leading forecast ${m(input.leading)}.`;
}
