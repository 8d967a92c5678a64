import { attainment } from '../../metrics/forecast.js';
import { isActivityIndicator } from '../../metrics/indicators.js';
import { pace } from '../../metrics/pace.js';
import { formatValue } from '../../reports/text.js';
import type { ForecastJson, LeadingJson, RepReport } from '../../reports/types.js';
import { intervalDays, localMoment, money, paceBar, percent, sparkline, statusBadge, statusWords } from './format.js';
import { escapeMrkdwn } from './limits.js';

/**
 * The pieces of one rep's KPIs that /mykpis and the rep's App Home both show, as mrkdwn texts
 * (the surfaces choose the blocks). Every claim carries its numbers; a lower-is-better
 * indicator says so, since its pace is baseline ÷ value.
 */

export type KpiWeek = 'this_week' | 'last_week';

/** The config allows at most 4 focus indicators (metrics.md: "few metrics that matter"). */
const MAX_FOCUS = 4;

/** The rep's focus indicators, in the team's order. */
export const focusLeading = (r: RepReport): LeadingJson[] => r.focus.slice(0, MAX_FOCUS).flatMap((k) => r.leading.filter((l) => l.key === k));

const value = (r: RepReport, l: LeadingJson, x: number | null) => formatValue(l.key, x, r.currency);

/** "Last 4 weeks", or "Last 4 weeks (2 active)" for a rep who started inside the window. */
export function windowLabel(r: RepReport): string {
  const { weeks } = r.windows.cadence;
  const active = r.activeWeeks.cadence;
  return active === weeks ? `Last ${weeks} weeks` : `Last ${weeks} weeks (${active} active)`;
}

/** A count paced against a ramped expectation (metrics.md "Pace", rev 2): rates and hours never are. */
export const ramped = (r: RepReport, l: LeadingJson) => r.ramp !== null && isActivityIndicator(l.key) && l.expectation !== null;

function weekLine(r: RepReport, l: LeadingJson, week: KpiWeek): string {
  if (week === 'last_week') {
    const last = r.trend[l.key]?.at(-1) ?? null;
    // A figure too thin to compare over the rate window is not compared on one week either.
    const p = l.status === 'too_few' ? null : pace(last, l.expectation, l.higherIsBetter);
    const level = ramped(r, l) ? 'the ramped level' : 'the top-performer level';
    return `Last week: *${value(r, l, last)}*${p === null ? '' : ` — ${percent(p)} of ${level}`}`;
  }
  const wtd = r.weekToDate[l.key];
  const shown = `This week so far: *${value(r, l, wtd?.value ?? null)}*`;
  const of = ramped(r, l) ? 'the ramped pace' : 'the top-performer pace';
  return wtd?.pace === null || wtd?.pace === undefined ? shown : `${shown} — ${percent(wtd.pace)} of ${of} for this point of the week`;
}

function windowLine(r: RepReport, l: LeadingJson): string {
  const head = `${windowLabel(r)}: *${value(r, l, l.value)}*`;
  if (l.baseline === null) return `${head} · no top-performer baseline`;
  const bar = l.pace === null ? '' : `  \`${paceBar(l.pace)}\``;
  if (ramped(r, l)) return `${head} vs *${value(r, l, l.expectation)}* expected (ramping)${bar}`;
  return `${head} vs top performers *${value(r, l, l.baseline)}*${bar}`;
}

function trendLine(r: RepReport, l: LeadingJson): string {
  const values = r.trend[l.key] ?? [];
  return `${values.length} weeks: \`${sparkline(values)}\` ${values.map((v) => value(r, l, v)).join(' · ')}`;
}

/**
 * One focus indicator: status, this week (or last week), the cadence window against the
 * top-performer baseline (a ramping rep's count: against the ramped expectation) with a bar, and
 * on the App Home the 8-week trend (oldest first).
 */
export function indicatorText(r: RepReport, l: LeadingJson, week: KpiWeek, withTrend: boolean): string {
  const lines = [
    `*${escapeMrkdwn(l.label)}* · ${statusBadge(l)}${l.higherIsBetter ? '' : ' · _lower is better_'}`,
    weekLine(r, l, week),
    windowLine(r, l),
  ];
  if (withTrend) lines.push(trendLine(r, l));
  return lines.join('\n');
}

/** The indicator in one clause for fallback texts: the week shown, then the window against the baseline. */
export function indicatorSummary(r: RepReport, l: LeadingJson, week: KpiWeek): string {
  const shown = week === 'this_week' ? `${value(r, l, r.weekToDate[l.key]?.value ?? null)} so far this week` : `${value(r, l, r.trend[l.key]?.at(-1) ?? null)} last week`;
  const base = l.baseline === null ? '' : ramped(r, l) ? ` vs ${value(r, l, l.expectation)} expected (ramping)` : ` vs ${value(r, l, l.baseline)} for top performers`;
  const lower = l.higherIsBetter ? '' : ', lower is better';
  return `${escapeMrkdwn(l.label)}: ${shown}, ${value(r, l, l.value)} over the ${windowLabel(r).toLowerCase()}${base} (${statusWords(l)}${lower})`;
}

/** The leading forecast with its gap to target, in words. */
export function leadingForecastText(f: ForecastJson, currency: string): string {
  if (f.leading === null) return '— (no win rate yet)';
  const amount = money(f.leading, currency);
  if (f.gap === null) return amount;
  return f.gap <= 0 ? `${amount} · on track, ${money(-f.gap, currency)} above target` : `${amount} · ${money(f.gap, currency)} short of target`;
}

/** Results against target: booked in the target period, deals over the cadence window, both forecasts. */
export function resultsFields(r: RepReport): string[] {
  const f = r.forecast;
  const c = r.currency;
  const lag = r.lagging.cadenceWindow;
  const target = f.target === null ? ' · no target set' : ` of ${money(f.target, c)} target · *${percent(attainment(f.bookedSoFar, f.target))}* attained`;
  return [
    `*Booked so far* (${intervalDays(f.period)})\n*${money(f.bookedSoFar, c)}*${target}`,
    `*${windowLabel(r)}*\n${money(lag.bookedRevenue, c)} booked · ${lag.dealsWon ?? '—'} won · ${lag.dealsLost ?? '—'} lost · win rate ${percent(lag.winRate)}`,
    `*Run-rate forecast*\n${f.runRate === null ? '— (the period has just started)' : money(f.runRate, c)}`,
    `*Leading forecast*\n${leadingForecastText(f, c)}`,
  ];
}

export const NO_BASELINE_TEXT =
  'ℹ️ *No top-performer baseline yet.* The team is too small for one (it needs a few established reps past their ramp-up), so paces and gaps are not shown. The numbers are still yours to track.';

/** Which weeks the numbers cover, and when they were computed. */
export function windowsText(r: RepReport): string {
  const b = r.windows.baseline;
  return `${windowLabel(r)}: ${intervalDays(r.windows.cadence)} · top-performer baseline: ${b.weeks} weeks (${intervalDays(b)}) · as of ${localMoment(r.asOf)}`;
}
