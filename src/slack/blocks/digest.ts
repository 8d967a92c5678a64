import type { KnownBlock } from '@slack/types';
import { ATTENTION_ALERT_AGE_MS, improvement } from '../../metrics/attention.js';
import { attainment } from '../../metrics/forecast.js';
import { isActivityIndicator } from '../../metrics/indicators.js';
import { askOf } from '../../reports/ask.js';
import { indicatorLabel } from '../../reports/labels.js';
import { formatValue } from '../../reports/text.js';
import type { AlertJson, RepReport, TeamReport } from '../../reports/types.js';
import { alertBrief, alertFeedbackLine, type PausedRuleSummary, type RuleFeedbackSummary } from './alert.js';
import { askBrief } from './ask.js';
import { staleDataText } from './data-health.js';
import { intervalDays, localMoment, money, pacePercent, percent, weekDays } from './format.js';
import { needsAttention } from './home.js';
import { context, divider, fields, header, message, section, type SlackMessage } from './kit.js';
import { clip, escapeMrkdwn, MAX_MESSAGE_BLOCKS } from './limits.js';
import { linksBlocks, workspaceLinksLine } from './links.js';
import { feedbackActions } from './nudge.js';
import { focusLeading, leadingForecastText } from './rep-view.js';

/**
 * The manager's weekly coaching digest: the team's leading and lagging indicators at a glance,
 * who improved and who needs attention, then every rep's diagnosis (Results vs Objectives,
 * Activities, Methodology) with one coaching prompt and their open alerts. It names reps' gaps,
 * so it goes only to their manager. A team too big for 50 blocks is split into several messages.
 */

/** Open alerts listed under a rep; the rest are counted. */
const ALERTS_PER_REP = 3;

export interface Improvement {
  member: RepReport;
  /** Mean pace over the focus indicators paced in both weeks. */
  before: number;
  after: number;
}

/**
 * Reps who improved (metrics.md "Improved", src/metrics/attention.ts) since `previous` (the
 * report as of a week earlier), biggest rise first.
 */
export function improvedReps(report: TeamReport, previous: TeamReport | null): Improvement[] {
  const before = new Map((previous?.members ?? []).map((m) => [m.rep.email, m]));
  return report.members
    .flatMap((m) => {
      const p = before.get(m.rep.email);
      const change = p ? improvement(report.focus, p.leading, m.leading, report.minRateN) : null;
      return change?.improved ? [{ member: m, before: change.before, after: change.after }] : [];
    })
    .sort((a, b) => b.after - b.before - (a.after - a.before));
}

const name = (m: RepReport) => escapeMrkdwn(clip(m.rep.name, 100));
/** Reps named in one overview line; a 60-rep team's list would drown the overview. */
const MAX_LISTED = 10;
/** The first `MAX_LISTED` items joined, then how many more (`where` says where to find them). */
const listed = (items: readonly string[], sep: string, where = '') =>
  `${items.slice(0, MAX_LISTED).join(sep)}${items.length > MAX_LISTED ? `${sep}and ${items.length - MAX_LISTED} more${where ? ` ${where}` : ''}` : ''}`;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Each focus indicator (leading) and the results (lagging), as fields side by side. */
function glanceFields(r: TeamReport): string[] {
  const leading = r.focus.slice(0, 4).map((key) => {
    const statuses = r.members.map((m) => m.leading.find((l) => l.key === key)?.status);
    const count = (s: string) => statuses.filter((x) => x === s).length;
    const teamPace = r.totals.paceAgainstTop[key];
    const team = isActivityIndicator(key) && teamPace !== undefined && teamPace !== null ? `team at ${pacePercent(teamPace)} of the top-performer pace\n` : '';
    return `*Leading: ${escapeMrkdwn(indicatorLabel(key))}*\n${team}${count('on_pace')} on pace · ${count('behind')} behind · ${count('far_behind')} far behind`;
  });
  const f = r.totals.forecast;
  const c = r.currency;
  const w = r.totals.cadenceWindow;
  return [
    ...leading,
    `*Lagging: booked so far* (${intervalDays(f.period)})\n*${money(f.bookedSoFar, c)}*${f.target === null ? ' · no team target' : ` of ${money(f.target, c)} · ${percent(attainment(f.bookedSoFar, f.target))}`}`,
    `*Lagging: pace to target*\nleading forecast ${leadingForecastText(f, c)} · run-rate ${money(f.runRate, c)}`,
    `*Lagging: last ${r.windows.cadence.weeks} weeks*\n${money(w.bookedRevenue, c)} booked · ${w.dealsWon ?? '—'} won · win rate ${percent(w.winRate)}`,
  ];
}

function improvedText(list: readonly Improvement[]): string {
  if (list.length === 0) return '📈 *Improved since last week:* nobody’s mean pace on the focus indicators rose by 10 points or more.';
  const items = list.map((i) => `${name(i.member)} ${pacePercent(i.before)} → ${pacePercent(i.after)}`);
  return `📈 *Improved since last week* (mean pace on the focus indicators): ${listed(items, ' · ')}`;
}

/** Why a rep needs attention (metrics.md): far behind on a focus indicator, or an alert open over 2 days. */
function attentionReason(m: RepReport, alerts: readonly AlertJson[]): string {
  const far = focusLeading(m).filter((l) => l.status === 'far_behind').map((l) => `far behind on ${escapeMrkdwn(l.label)} (${pacePercent(l.pace)})`);
  const old = alerts.filter((a) => Date.parse(m.asOf) - Date.parse(a.triggeredAt) > ATTENTION_ALERT_AGE_MS).length;
  return [...far, ...(old > 0 ? [`${plural(old, 'alert')} open over 2 days`] : [])].join(', ');
}

function attentionText(list: readonly { m: RepReport; alerts: readonly AlertJson[] }[]): string {
  if (list.length === 0) return '✅ *Needs attention:* nobody this week.';
  return `⚠️ *Needs attention:* ${listed(list.map(({ m, alerts }) => `${name(m)} (${attentionReason(m, alerts)})`), ' · ', '(marked ⚠️ below)')}`;
}

function alertsSummary(r: TeamReport, openAlerts: Record<string, AlertJson[]>, held: number): string {
  const counts = r.members.map((m) => openAlerts[m.rep.email]?.length ?? 0);
  const total = counts.reduce((a, b) => a + b, 0);
  const open = total === 0 ? 'none open' : `${total} open across ${plural(counts.filter((n) => n > 0).length, 'rep')}`;
  const waiting = held > 0 ? ` · ${plural(held, 'more alert')} found, waiting for the reps’ working hours` : '';
  return `🔔 *Behaviour alerts:* ${open}${waiting}`;
}

/** Results vs Objectives, Activities, Methodology: the three verdicts of the diagnosis, with their numbers. */
function diagnosisLines(m: RepReport): string[] {
  const d = m.diagnosis;
  const c = m.currency;
  const r = d.results;
  const results =
    r.basis === 'target'
      ? `${r.gap ? 'behind' : 'on track'}, leading forecast ${money(r.forecast, c)} vs target ${money(r.target, c)}`
      : r.basis === 'team_median'
        ? `${r.gap ? 'below' : 'at or above'} the team median (${r.performance?.toLocaleString('en-US', { maximumFractionDigits: 2 }) ?? '—'} vs ${r.teamMedian?.toLocaleString('en-US', { maximumFractionDigits: 2 }) ?? '—'})`
        : 'no target or team comparison yet';
  const a = d.activities.indicator;
  const against = m.ramp ? 'expected while ramping' : 'for top performers';
  const activities = a ? `behind on ${escapeMrkdwn(a.label)}: ${formatValue(a.key, a.value, c)} a week vs ${formatValue(a.key, a.expectation, c)} ${against} (${pacePercent(a.pace)})` : 'on pace';
  const s = d.methodology.stage;
  const methodology = s
    ? `${escapeMrkdwn(s.stage)} converts ${percent(s.repRate)} vs ${percent(s.teamRate)} for the team (${plural(s.repDeals, 'deal')})`
    : d.activities.gap
      ? 'checked once activity is on pace'
      : 'no stage gap';
  return [`*Results:* ${results}`, `*Activities:* ${activities}`, `*Methodology:* ${methodology}`];
}

/** A rep's entry: the diagnosis, the prompt, the ask when there is one (the rep's surfaces show the same), open alerts. */
function repText(m: RepReport, alerts: readonly AlertJson[], attention: boolean): string {
  const ask = askOf(m);
  const shown = alerts.slice(0, ALERTS_PER_REP).map((a) => alertBrief(a, m.currency));
  const more = alerts.length > ALERTS_PER_REP ? ` (+${alerts.length - ALERTS_PER_REP} more)` : '';
  return [
    `${attention ? '⚠️ ' : ''}*${m.topPerformer ? '★ ' : ''}${name(m)}*`,
    diagnosisLines(m).join(' · '),
    `💬 ${escapeMrkdwn(m.diagnosis.prompt)}`,
    ...(ask ? [`🎯 ${askBrief(m, ask)}`] : []),
    ...(alerts.length > 0 ? [`🔔 ${plural(alerts.length, 'open alert')}: ${shown.join('; ')}${more}`] : []),
  ].join('\n');
}

/** What a manager can do about stale data; alerts stay held until it arrives. */
export const STALE_DIGEST_ADVICE = 'Alerts are held until new data arrives; check the CRM export or connection.';

/**
 * The digest as one message, or several when the team needs more than 50 blocks: the first
 * holds the overview, each holds as many reps as fit ("(2/3)" in the header), and the last ends
 * with the feedback buttons. Reps who need attention come first. `previous` is the report as of
 * a week earlier (null when there is none: nobody is called improved); `heldAlerts` counts alerts
 * waiting for the reps' working hours; `includeLinks` adds which indicators track results (monthly).
 */
export function renderManagerDigest(input: {
  report: TeamReport;
  previous: TeamReport | null;
  openAlerts: Record<string, AlertJson[]>;
  heldAlerts?: number;
  includeLinks: boolean;
  feedbackSubject: string;
  /** The first digest of a stale spell says so (metrics.md "Data health": once per spell). */
  firstOfStaleSpell?: boolean;
  /** 👍/👎 per alert rule from the team's reps over the last 30 days. */
  alertFeedback?: readonly RuleFeedbackSummary[];
  /** Alert rules the team's reps paused with 👎. */
  pausedAlertRules?: readonly PausedRuleSummary[];
}): SlackMessage[] {
  const r = input.report;
  const staleNote = input.firstOfStaleSpell ? staleDataText(r.dataHealth) : null;
  const alertsOf = (m: RepReport) => input.openAlerts[m.rep.email] ?? [];
  const days = weekDays(r.windows, 'last_week');
  const team = clip(r.team, 80);
  const improved = improvedReps(r, input.previous);
  const attention = r.members.filter((m) => needsAttention({ ...m, alerts: alertsOf(m) }));
  const ordered = [...attention, ...r.members.filter((m) => !attention.includes(m))];

  const overview: KnownBlock[] = [
    context(`${plural(r.members.length, 'rep')} · ★ ${r.topPerformers.length} top performers · last ${r.windows.cadence.weeks} weeks (${intervalDays(r.windows.cadence)}) against the top-performer baseline · as of ${localMoment(r.asOf)}`),
  ];
  if (staleNote) overview.push(section(`${staleNote} ${STALE_DIGEST_ADVICE}`));
  if (!r.hasBaseline) overview.push(section('ℹ️ *No top-performer baseline yet:* the team has too few established reps, so no paces are shown.'));
  overview.push(fields(glanceFields(r)));
  if (input.previous) overview.push(section(improvedText(improved)));
  overview.push(section(attentionText(attention.map((m) => ({ m, alerts: alertsOf(m) })))), section(alertsSummary(r, input.openAlerts, input.heldAlerts ?? 0)));
  if (input.includeLinks) {
    overview.push(...linksBlocks(r, `📊 *Which focus indicators track results here?* Rank correlation with results over the ${r.windows.baseline.weeks}-week baseline, across ${plural(r.cohort.length, 'established rep')}:`));
  }
  const workspace = workspaceLinksLine(r);
  if (workspace) overview.push(context(workspace));
  overview.push(divider());

  // Reps per message: the first shares its 50 blocks with the header and the overview, the others
  // with a header and a context line; the last rep needs room for the footer too.
  const feedbackLine = alertFeedbackLine(input.alertFeedback ?? [], input.pausedAlertRules ?? []);
  const footer = [...(feedbackLine ? [context(feedbackLine)] : []), feedbackActions(input.feedbackSubject)];
  const chunks: RepReport[][] = [[]];
  let room = MAX_MESSAGE_BLOCKS - 1 - overview.length;
  ordered.forEach((m, i) => {
    const needed = i === ordered.length - 1 ? 1 + footer.length : 1;
    if (chunks[chunks.length - 1]!.length + needed > room) {
      chunks.push([]);
      room = MAX_MESSAGE_BLOCKS - 2;
    }
    chunks[chunks.length - 1]!.push(m);
  });

  const n = chunks.length;
  const part = (i: number) => (n > 1 ? ` (${i + 1}/${n})` : '');
  const f = r.totals.forecast;
  let first = 0;
  return chunks.map((reps, i) => {
    const rows = reps.map((m) => section(repText(m, alertsOf(m), attention.includes(m))));
    const tail = i === n - 1 ? footer : [];
    const range = `reps ${first + 1}–${first + reps.length} of ${r.members.length}`;
    first += reps.length;
    if (i > 0) {
      return message(`Coaching digest for ${escapeMrkdwn(team)}${part(i)}, ${range}: ${reps.map(name).join(', ')}`, [
        header(`Coaching digest — ${team}${part(i)}`),
        context(`${escapeMrkdwn(team)}, continued: ${range}`),
        ...rows,
        ...tail,
      ]);
    }
    const text = [
      `Coaching digest for ${escapeMrkdwn(team)}, last week ${days}${part(i)}: ${plural(r.members.length, 'rep')}`,
      input.previous ? `${improved.length} improved${improved.length ? ` (${listed(improved.map((x) => name(x.member)), ', ')})` : ''}` : '',
      `${attention.length} need attention${attention.length ? ` (${listed(attention.map(name), ', ')})` : ''}`,
      `team booked ${money(f.bookedSoFar, r.currency)}${f.target === null ? '' : ` of ${money(f.target, r.currency)}`}, leading forecast ${leadingForecastText(f, r.currency)}`,
      input.firstOfStaleSpell ? (staleDataText(r.dataHealth, false)?.replace(/\.$/, '') ?? '') : '',
    ]
      .filter((x) => x !== '')
      .join('; ');
    return message(text, [header(`Coaching digest — ${team}, last week ${days}${part(i)}`), ...overview, ...rows, ...tail]);
  });
}
