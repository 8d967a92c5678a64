import { attainment } from '../../metrics/forecast.js';
import { isActivityIndicator } from '../../metrics/indicators.js';
import { pace } from '../../metrics/pace.js';
import { indicatorUnit } from '../../reports/labels.js';
import type { ForecastJson, LeadingJson, RepReport } from '../../reports/types.js';
import { compactMoney, figureText, intervalDays, localMoment, money, paceBar, pacePercent, percent, slackDate, sparkline, statusEmoji, statusWords } from './format.js';
import { clip, escapeMrkdwn } from './limits.js';

/**
 * The pieces of one rep's KPIs that /mykpis, the nudge and the rep's App Home show, as mrkdwn
 * texts (the surfaces choose the blocks). Every claim carries its numbers; a lower-is-better
 * indicator says so, since its pace is baseline ÷ value. Bars and sparklines are plain text:
 * Slack draws inline code red, which reads as an alarm even at 114%.
 */

export type KpiWeek = 'this_week' | 'last_week';

/** The config allows at most 4 focus indicators (docs/architecture.md "Principles": few metrics that matter). */
const MAX_FOCUS = 4;
/** docs/metrics.md "Events": names are clipped to 60 characters in messages. */
const MAX_NAME = 60;

/** The rep's focus indicators, in the team's order. */
export const focusLeading = (r: RepReport): LeadingJson[] => r.focus.slice(0, MAX_FOCUS).flatMap((k) => r.leading.filter((l) => l.key === k));

const value = (r: RepReport, l: LeadingJson, x: number | null) => figureText(l.key, x, r.currency);

/** A person's or team's name as messages show it: clipped to 60 characters, escaped for mrkdwn. */
export const nameText = (name: string): string => escapeMrkdwn(clip(name, MAX_NAME));

/** The rep's first name, for a greeting. */
export const firstName = (r: RepReport): string => clip(r.rep.name.trim().split(/\s+/)[0] ?? r.rep.name, MAX_NAME);

/** "Last 4 weeks", or "Last 4 weeks (2 active)" for a rep who started inside the window. */
export function windowLabel(r: RepReport): string {
  const { weeks } = r.windows.cadence;
  const active = r.activeWeeks.cadence;
  return active === weeks ? `Last ${weeks} weeks` : `Last ${weeks} weeks (${active} active)`;
}

/** A count paced against a ramped expectation (docs/metrics.md "Pace", rev 2): rates and hours never are. */
export const ramped = (r: RepReport, l: LeadingJson) => r.ramp !== null && isActivityIndicator(l.key) && l.expectation !== null;

/**
 * A focus indicator in one line: status emoji, label, the rep's value over its window against
 * the top performers (a ramping rep's count: against the ramped expectation), the pace as a bar,
 * and the status in words. "🟢 *Calls per week* 93.8 vs 93.5 ▰▰▰▰▰▰▰▰▰▰ 100% · on pace".
 */
export function focusLine(r: RepReport, l: LeadingJson): string {
  const against = l.baseline === null ? '' : ramped(r, l) ? ` vs ${value(r, l, l.expectation)} expected` : ` vs ${value(r, l, l.baseline)}`;
  const bar = l.pace === null ? '' : ` ${paceBar(l.pace)}`;
  const lower = l.higherIsBetter ? '' : ' · _lower is better_';
  return `${statusEmoji(l)} *${escapeMrkdwn(l.label)}* ${value(r, l, l.value)}${against}${bar} · ${statusWords(l)}${lower}`;
}

/** A count's last complete week, the trend's last value (rates have no one-week figure: theirs is the rate window's). */
export const lastWeekValue = (r: RepReport, l: LeadingJson): number | null => (isActivityIndicator(l.key) ? (r.trend[l.key]?.at(-1) ?? null) : null);

/**
 * The week shown under a focus line: this week so far (a count against the pace expected by now:
 * the expectation × the share of the working week elapsed), or last week against the level; null
 * for a rate's last week, or a rate with no value yet.
 */
function weekLine(r: RepReport, l: LeadingJson, week: KpiWeek): string | null {
  if (week === 'last_week') {
    if (!isActivityIndicator(l.key)) return null;
    const last = lastWeekValue(r, l);
    const p = pace(last, l.expectation, l.higherIsBetter);
    return `Last week: *${value(r, l, last)}*${p === null ? '' : ` — ${pacePercent(p)} of the ${ramped(r, l) ? 'ramped' : 'top-performer'} level`}`;
  }
  const wtd = r.weekToDate[l.key];
  // A rate with nothing decided yet this week has nothing to show.
  if (!isActivityIndicator(l.key) && (wtd?.value ?? null) === null) return null;
  const shown = `This week so far: *${value(r, l, wtd?.value ?? null)}*`;
  const of = ramped(r, l) ? 'the ramped pace' : 'the top-performer pace';
  return wtd?.pace === null || wtd?.pace === undefined ? shown : `${shown} — ${pacePercent(wtd.pace)} of ${of} to date`;
}

/**
 * The indicator's last 8 complete weeks, oldest first: "8 weeks: ▃▅▆█ 61 · 70 · …". Weeks before
 * the rep's first value are left out ("2 weeks: …" for a new hire); null when there is none.
 */
function trendLine(r: RepReport, l: LeadingJson): string | null {
  const all = r.trend[l.key] ?? [];
  const first = all.findIndex((v) => v !== null);
  if (first < 0) return null;
  const values = all.slice(first);
  return `${values.length} week${values.length === 1 ? '' : 's'}: ${sparkline(values)} ${values.map((v) => value(r, l, v)).join(' · ')}`;
}

/** A focus indicator with the week shown (none: null) and, on the App Home, its trend. */
export function focusText(r: RepReport, l: LeadingJson, week: KpiWeek | null, withTrend: boolean): string {
  const lines = [focusLine(r, l), week === null ? null : weekLine(r, l, week)];
  if (withTrend) lines.push(trendLine(r, l));
  return lines.filter((x): x is string => x !== null).join('\n');
}

/** "3 of 4 focus indicators on pace", for a headline that asks nothing. */
export function onPaceCount(r: RepReport): string {
  const focus = focusLeading(r);
  if (!r.hasBaseline) return 'no top-performer baseline yet';
  return `${focus.filter((l) => l.status === 'on_pace').length} of ${focus.length} focus indicators on pace`;
}

/**
 * Last week's win, for the nudge: deals won last week, else the focus count furthest at or above
 * its expectation last week (pace ≥ 1: at the top-performer level, or the ramped one). Rates are
 * left out: their last value is the whole rate window's, not last week's.
 */
export function lastWeekWin(r: RepReport): string | null {
  const won = r.trend['cadence.deal_won']?.at(-1) ?? 0;
  if (won > 0) return `🏆 *Last week you won ${won} deal${won === 1 ? '' : 's'}* — congratulations!`;
  const best = focusLeading(r)
    .filter((l) => isActivityIndicator(l.key) && l.status !== 'too_few')
    .map((l) => ({ l, last: lastWeekValue(r, l), p: pace(lastWeekValue(r, l), l.expectation, l.higherIsBetter) }))
    .filter((x) => x.p !== null && x.p >= 1)
    .sort((a, b) => b.p! - a.p!)[0];
  if (!best) return null;
  const level = ramped(r, best.l) ? 'your ramped level' : 'the top-performer level';
  return `🏆 *Last week: ${value(r, best.l, best.last)} ${escapeMrkdwn(indicatorUnit(best.l.key))}* — ${pacePercent(best.p)} of ${level}.`;
}

/** The leading forecast with its gap to target, in words (exact amounts, for tables and lists). */
export function leadingForecastText(f: ForecastJson, currency: string): string {
  if (f.leading === null) return '— (no win rate yet)';
  const amount = money(f.leading, currency);
  if (f.gap === null) return amount;
  return f.gap <= 0 ? `${amount} · on track, ${money(-f.gap, currency)} above target` : `${amount} · ${money(f.gap, currency)} short of target`;
}

/** The leading forecast and its gap for a sentence, in compact amounts: "$1.4M, on track ($238.1K above target)". */
function forecastClause(f: ForecastJson, currency: string): string {
  if (f.leading === null) return '— (no win rate yet)';
  const amount = compactMoney(f.leading, currency);
  if (f.gap === null) return amount;
  return f.gap <= 0 ? `${amount}, on track (${compactMoney(-f.gap, currency)} above target)` : `${amount}, ${compactMoney(f.gap, currency)} short of target`;
}

/**
 * Results against target in two lines, compact amounts: booked in the target period against the
 * target with the leading forecast; the cadence window's deals and the run-rate forecast (left
 * out with `withWindow` false).
 */
export function resultsLines(r: RepReport, withWindow = true): string {
  const f = r.forecast;
  const c = r.currency;
  const lag = r.lagging.cadenceWindow;
  const target = f.target === null ? ' (no target set)' : ` of ${compactMoney(f.target, c)} (${percent(attainment(f.bookedSoFar, f.target))})`;
  const runRate = f.runRate === null ? '— (the period has just started)' : compactMoney(f.runRate, c);
  const booked = `📈 *Booked ${compactMoney(f.bookedSoFar, c)}*${target}, ${intervalDays(f.period)} · leading forecast ${forecastClause(f, c)}`;
  if (!withWindow) return booked;
  return `${booked}\n${windowLabel(r)}: ${compactMoney(lag.bookedRevenue, c)} booked · ${lag.dealsWon ?? '—'} won · ${lag.dealsLost ?? '—'} lost · run-rate forecast ${runRate}`;
}

export const NO_BASELINE_TEXT = 'ℹ️ *No top-performer baseline yet* — the team is too small for one, so no paces are shown. The numbers are still yours to track.';

/** The moment the numbers are as of, in the reader's zone with the team's as the fallback. */
export const asOfText = (r: RepReport): string => slackDate(r.asOf, '{date_short_pretty} {time}', localMoment(r.asOf));

/** The team, and a star for a top performer. */
export const teamText = (r: RepReport): string => `${nameText(r.rep.team)}${r.topPerformer ? ' · ★ top performer' : ''}`;

/** What the figures are measured over and compared with, in a few words. */
export function comparedText(r: RepReport): string {
  return `${windowLabel(r)} · rates over ${r.windows.rate.weeks} weeks · vs your team’s top performers`;
}

/** Which weeks the numbers cover. */
export function windowsText(r: RepReport): string {
  return `${windowLabel(r)}: ${intervalDays(r.windows.cadence)} · rates over ${r.windows.rate.weeks} weeks: ${intervalDays(r.windows.rate)}`;
}
