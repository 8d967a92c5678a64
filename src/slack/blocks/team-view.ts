import type { KnownBlock } from '@slack/types';
import { improvement, needsAttention, type ComparedPace } from '../../metrics/attention.js';
import { attainment } from '../../metrics/forecast.js';
import { isActivityIndicator } from '../../metrics/indicators.js';
import { askOf } from '../../reports/ask.js';
import { indicatorLabel } from '../../reports/labels.js';
import { formatValue } from '../../reports/text.js';
import type { AlertJson, ForecastJson, RepReport, TeamReport } from '../../reports/types.js';
import { askBrief } from './ask.js';
import { compactMoney, intervalDays, pacePercent, paceBar, percent } from './format.js';
import { clip, escapeMrkdwn } from './limits.js';
import { focusLeading } from './rep-view.js';
import { visibleLength } from './visible-text.js';

/**
 * The pieces of a team's report that the manager's surfaces (the digest, /teamkpis, the "See all
 * reps" modal) and the team recap show: who to coach first and in which order, the team's pace,
 * results and wins. Money in sentences is compact ($1.8M); names are clipped to 60 characters
 * (docs/metrics.md "Events").
 */

/** Reps a manager's message names to coach first; every rep is one click away ("See all reps"). */
export const COACH_FIRST = 3;
/** docs/metrics.md: messages show names clipped to 60 characters. */
export const MAX_NAME = 60;

/** A person's or team's name as messages show it: clipped, made literal for mrkdwn. */
export const nameText = (name: string): string => escapeMrkdwn(clip(name, MAX_NAME));

export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** An indicator's figure in a sentence: pipeline as compact money ($54.9K), the rest as the report shows it. */
export const figureText = (key: string, x: number | null, currency: string): string => (key === 'pipeline_created' ? compactMoney(x, currency) : formatValue(key, x, currency));

/** An indicator's label without " per week": "Calls", "Pipeline created". */
export const shortLabel = (key: string): string => indicatorLabel(key).replace(/ per week$/, '');

/** The lowest pace over the rep's focus indicators; null when none is paced (no baseline, too few to compare). */
export function lowestFocusPace(m: RepReport): number | null {
  const paces = focusLeading(m).flatMap((l) => (l.pace === null ? [] : [l.pace]));
  return paces.length === 0 ? null : Math.min(...paces);
}

/**
 * The team's reps in order of need (issue 12): a results gap first, then the lowest focus pace
 * (a rep with no paced focus indicator after those with one), then by name so the order is stable.
 */
export function byNeed(members: readonly RepReport[]): RepReport[] {
  const pace = (m: RepReport) => lowestFocusPace(m) ?? Number.POSITIVE_INFINITY;
  return [...members].sort((a, b) => Number(b.diagnosis.results.gap) - Number(a.diagnosis.results.gap) || (pace(a) === pace(b) ? 0 : pace(a) - pace(b)) || a.rep.name.localeCompare(b.rep.name));
}

/** Something to coach: a results gap, or a focus indicator behind or far behind its expectation. */
const hasNeed = (m: RepReport) => m.diagnosis.results.gap || focusLeading(m).some((l) => l.status === 'behind' || l.status === 'far_behind');

/** The reps to coach first: the first COACH_FIRST in order of need among those with something to coach. */
export const coachFirst = (members: readonly RepReport[]): RepReport[] => byNeed(members).filter(hasNeed).slice(0, COACH_FIRST);

/** docs/metrics.md "Needs attention" (src/metrics/attention.ts), counting only the alerts still open on the rep (`openAlerts`). */
export const needsAttentionWith = (m: RepReport, openAlerts: readonly AlertJson[]): boolean =>
  needsAttention({
    resultsGap: m.diagnosis.results.gap,
    asOf: Date.parse(m.asOf),
    focus: focusLeading(m),
    openAlertsTriggeredAt: openAlerts.map((a) => Date.parse(a.triggeredAt)),
  });

/**
 * A rep to coach, in one section: the coaching prompt (it starts with the rep's name, shown once,
 * bold and clipped) and the ask every rep surface shows (./ask.ts). ⚠️ marks a rep who needs attention.
 */
export function coachEntryText(m: RepReport, attention: boolean): string {
  const p = m.diagnosis.prompt;
  const rest = p.startsWith(m.rep.name) ? p.slice(m.rep.name.length) : ` — ${p}`;
  const ask = askOf(m);
  return [`${attention ? '⚠️ ' : ''}*${m.topPerformer ? '★ ' : ''}${nameText(m.rep.name)}*${escapeMrkdwn(rest)}`, ...(ask ? [`🎯 ${askBrief(m, ask)}`] : [])].join('\n');
}

/** The headline of a manager's message: who to coach first, whole names (clipped to 60), one line. */
export function coachFirstHeadline(reps: readonly RepReport[]): string {
  if (reps.length === 0) return 'Nobody to coach first: every rep is on track on results and on pace';
  return `${plural(reps.length, 'rep')} to coach first: ${reps.map((m) => nameText(m.rep.name)).join(', ')}`;
}

/**
 * The team's pace on each focus indicator: a count against the top-performer pace (team activity
 * per rep-week, with a bar), and for every indicator how many reps are on pace.
 */
export function teamPaceText(r: TeamReport): string {
  if (!r.hasBaseline) return 'ℹ️ *No top-performer baseline yet:* the team has too few established reps, so no paces are shown.';
  const lines = r.focus.slice(0, 4).map((key) => {
    const onPace = r.members.filter((m) => m.leading.find((l) => l.key === key)?.status === 'on_pace').length;
    const pace = isActivityIndicator(key) ? (r.totals.paceAgainstTop[key] ?? null) : null;
    const bar = pace === null ? '' : ` ${paceBar(pace)} ·`;
    return `• ${escapeMrkdwn(shortLabel(key))}:${bar} ${onPace} of ${r.members.length} on pace`;
  });
  return [`*Team pace* — last ${r.windows.cadence.weeks} weeks, against top performers`, ...lines].join('\n');
}

/** The leading forecast with its gap to the target: "$7.2M, on track", "$1.1M, $300K short of target". */
export function leadingForecast(f: ForecastJson, currency: string): string {
  if (f.leading === null) return 'not known yet (no win rate)';
  const gap = f.gap === null ? '' : f.gap <= 0 ? ', on track' : `, ${compactMoney(f.gap, currency)} short of target`;
  return `${compactMoney(f.leading, currency)}${gap}`;
}

/** Results of the target period in one line: booked against the target, and the leading forecast. */
export function teamResultsText(r: TeamReport): string {
  const f = r.totals.forecast;
  const c = r.currency;
  const booked =
    f.target === null
      ? `${compactMoney(f.bookedSoFar, c)} booked, no team target`
      : `${compactMoney(f.bookedSoFar, c)} booked of ${compactMoney(f.target, c)} (${percent(attainment(f.bookedSoFar, f.target))})`;
  return `*Results* (${intervalDays(f.period)}): ${booked} · leading forecast ${leadingForecast(f, c)}`;
}

export interface Improvement {
  member: RepReport;
  /** Mean pace over the focus indicators paced in both weeks. */
  before: number;
  after: number;
}

/**
 * Each rep's focus paces a week earlier: the paces kept when last week's messages were computed
 * (src/db/team-paces-repo.ts), or a team report as of a week earlier.
 */
export interface PacesAWeekEarlier {
  members: readonly { rep: { email: string }; leading: readonly ComparedPace[] }[];
}

/**
 * Reps who improved (docs/metrics.md "Improved", src/metrics/attention.ts) since `previous`, biggest
 * rise first.
 */
export function improvedReps(report: TeamReport, previous: PacesAWeekEarlier | null): Improvement[] {
  const before = new Map((previous?.members ?? []).map((m) => [m.rep.email, m]));
  return report.members
    .flatMap((m) => {
      const p = before.get(m.rep.email);
      const change = p ? improvement(report.focus, p.leading, m.leading, report.minRateN) : null;
      return change?.improved ? [{ member: m, before: change.before, after: change.after }] : [];
    })
    .sort((a, b) => b.after - b.before - (a.after - a.before));
}

/** The trend of this indicator counts deals won per week, credited to the rep who won them. */
const WON_KEY = 'cadence.deal_won';

/** Deals won last week (the trend's last complete week), per rep who won any, most first; null when the trend has no won deals. */
export function winnersLastWeek(r: TeamReport): { name: string; won: number }[] | null {
  if (!r.members.some((m) => m.trend[WON_KEY])) return null;
  return r.members
    .map((m) => ({ name: m.rep.name, won: m.trend[WON_KEY]?.at(-1) ?? 0 }))
    .filter((x) => x.won > 0)
    .sort((a, b) => b.won - a.won);
}

/**
 * One or two wins for a manager's message: the rep who won the most deals last week and the one
 * whose focus pace rose the most since `previous` (or the two first of either); null when there
 * is nothing to name.
 */
export function winsText(r: TeamReport, previous: PacesAWeekEarlier | null): string | null {
  const winners = winnersLastWeek(r) ?? [];
  const total = winners.reduce((n, w) => n + w.won, 0);
  const won = winners.map((w, i) => `${nameText(w.name)} won ${plural(w.won, 'deal')} last week${i === 0 && total > w.won ? ` (${total} for the team)` : ''}`);
  const rose = improvedReps(r, previous).map((i) => `${nameText(i.member.rep.name)}’s focus pace rose ${pacePercent(i.before)} → ${pacePercent(i.after)}`);
  const picked = [won[0], rose[0], won[1], rose[1]].filter((x): x is string => x !== undefined).slice(0, 2);
  return picked.length === 0 ? null : `🏆 *Wins:* ${picked.join(' · ')}`;
}

/** A part of a message: its blocks, and for a part that may be left out, when (1: the first to go). */
export interface MessagePart {
  blocks: readonly KnownBlock[];
  dropOrder?: number;
}

/**
 * The blocks of `parts` in order, within `budget` visible characters (./visible-text.ts): while
 * the text is longer, optional parts are left out, dropOrder 1 first; then any left out that
 * fits again comes back (the last left out first). Nothing is clipped: the parts always shown are
 * sized to fit on their own.
 */
export function withinBudget(parts: readonly MessagePart[], budget: number): KnownBlock[] {
  const left = new Set<MessagePart>();
  const length = () => visibleLength(parts.filter((p) => !left.has(p)).flatMap((p) => p.blocks));
  const optional = parts.filter((p) => p.dropOrder !== undefined).sort((a, b) => a.dropOrder! - b.dropOrder!);
  for (const part of optional) {
    if (length() <= budget) break;
    left.add(part);
  }
  for (const part of [...left].reverse()) {
    left.delete(part);
    if (length() > budget) left.add(part);
  }
  return parts.filter((p) => !left.has(p)).flatMap((p) => p.blocks);
}
