import type { Button, KnownBlock, ModalView } from '@slack/types';
import { askOf } from '../../reports/ask.js';
import type { AlertJson, RepReport, TeamReport } from '../../reports/types.js';
import { alertBrief } from './alert.js';
import { askBrief } from './ask.js';
import { compactMoney, localMoment, pacePercent, percent, slackDate } from './format.js';
import { performanceFigure } from '../../reports/text.js';
import { actions, button, context, divider, plain, section } from './kit.js';
import { escapeMrkdwn, MAX_BUTTON_VALUE, MAX_MODAL_TITLE } from './limits.js';
import { byNeed, figureText, nameText, needsAttentionWith, plural } from './team-view.js';

/**
 * "See all reps": every rep of a team, most in need first (./team-view.ts byNeed), each with the
 * diagnosis (Results vs Objectives, Activities, Methodology), the coaching prompt, the ask and
 * their open alerts, in a modal a manager opens from the digest or /teamkpis. A modal holds 100
 * blocks, so a big team comes in pages turned with Previous and Next (views.update).
 */

export const SEE_ALL_REPS_ACTION = 'see_all_reps';
export const ALL_REPS_PREVIOUS_ACTION = 'all_reps_previous';
export const ALL_REPS_NEXT_ACTION = 'all_reps_next';
/** Reps per page: 2 blocks each (the rep, a divider), well within a modal's 100. */
export const ALL_REPS_PAGE_SIZE = 20;
/** Open alerts named under a rep; the rest are counted. */
const ALERTS_PER_REP = 3;

/** What the "See all reps" and page buttons carry, as JSON in the button's value. */
export interface TeamButtonValue {
  team: string;
  /** The report's as-of instant, so every page is of the same report. */
  asOf: string;
  /** 0-based. */
  page: number;
}

/**
 * Team names have no length limit in the config; a button value carries at most this much of
 * one, so that even fully JSON-escaped (6 characters each), with the page and the as-of instant
 * (under 100 characters), it stays within Slack's 2,000.
 */
const MAX_TEAM_IN_VALUE = Math.floor((MAX_BUTTON_VALUE - 100) / 6);

export const teamButtonValue = (v: TeamButtonValue): string => JSON.stringify({ ...v, team: v.team.slice(0, MAX_TEAM_IN_VALUE) });

/** The button that opens the modal on its first page. */
export const seeAllRepsButton = (r: TeamReport): Button => button({ text: 'See all reps', actionId: SEE_ALL_REPS_ACTION, value: teamButtonValue({ team: r.team, asOf: r.asOf, page: 0 }) });

/** Results vs Objectives, Activities, Methodology: the three verdicts of the diagnosis, with their numbers. */
export function diagnosisLines(m: RepReport): string[] {
  const d = m.diagnosis;
  const c = m.currency;
  const r = d.results;
  const forecast = r.forecastKind === 'run_rate' ? 'run-rate forecast' : 'leading forecast';
  const res =
    r.basis === 'target'
      ? `${r.gap ? 'behind' : 'on track'}, ${forecast} ${compactMoney(r.forecast, c)} vs target ${compactMoney(r.target, c)}`
      : r.basis === 'team_median'
        ? `${r.gap ? 'below' : 'at or above'} the team median (${performanceFigure(r.metric, r.performance, c)} vs ${performanceFigure(r.metric, r.teamMedian, c)})`
        : 'no target or team comparison yet';
  const a = d.activities.indicator;
  const against = m.ramp ? 'expected while ramping' : 'for top performers';
  const activities = a ? `behind on ${escapeMrkdwn(a.label)}: ${figureText(a.key, a.value, c)} a week vs ${figureText(a.key, a.expectation, c)} ${against} (${pacePercent(a.pace)})` : 'on pace';
  const s = d.methodology.stage;
  const methodology = s
    ? `${escapeMrkdwn(s.stage)} converts ${percent(s.repRate)} vs ${percent(s.teamRate)} for the team (${plural(s.repDeals, 'deal')})`
    : d.methodology.indicator
      ? `behind on ${escapeMrkdwn(d.methodology.indicator.label)} (${pacePercent(d.methodology.indicator.pace)})`
      : d.activities.gap
        ? 'checked once activity is on pace'
        : 'no stage gap';
  return [`*Results:* ${res}`, `*Activities:* ${activities}`, `*Methodology:* ${methodology}`];
}

/** A rep's entry: name (★ top performer, ⚠️ needs attention), diagnosis, prompt, the ask when there is one, open alerts. */
export function allRepsEntry(m: RepReport, alerts: readonly AlertJson[]): string {
  const ask = askOf(m);
  const shown = alerts.slice(0, ALERTS_PER_REP).map((a) => alertBrief(a, m.currency));
  const more = alerts.length > ALERTS_PER_REP ? ` (+${alerts.length - ALERTS_PER_REP} more)` : '';
  return [
    `${needsAttentionWith(m, alerts) ? '⚠️ ' : ''}*${m.topPerformer ? '★ ' : ''}${nameText(m.rep.name)}*`,
    ...diagnosisLines(m),
    `💬 ${escapeMrkdwn(m.diagnosis.prompt)}`,
    ...(ask ? [`🎯 ${askBrief(m, ask)}`] : []),
    ...(alerts.length > 0 ? [`🔔 ${plural(alerts.length, 'open alert')}: ${shown.join('; ')}${more}`] : []),
  ].join('\n');
}

/**
 * One page of the modal (`page` 0-based, out of range clamped). `openAlerts` holds each rep's
 * alerts still open (not snoozed, dismissed or done), by email.
 */
export function renderAllRepsModal(input: { report: TeamReport; openAlerts: Record<string, readonly AlertJson[]>; page: number; pageSize?: number }): ModalView {
  const r = input.report;
  const size = Math.max(1, Math.floor(input.pageSize ?? ALL_REPS_PAGE_SIZE));
  const pages = Math.max(1, Math.ceil(r.members.length / size));
  const page = Math.min(pages - 1, Math.max(0, Math.floor(input.page)));
  const reps = byNeed(r.members).slice(page * size, (page + 1) * size);
  const first = page * size + 1;

  const blocks: KnownBlock[] = [
    context(
      `*${nameText(r.team)}* · ${plural(r.members.length, 'rep')}, most in need first (a results gap, then the lowest focus pace) · as of ${slackDate(r.asOf, '{date_short_pretty} at {time}', localMoment(r.asOf))}`,
    ),
  ];
  if (reps.length === 0) blocks.push(section('No reps on this team yet.'));
  for (const m of reps) blocks.push(divider(), section(allRepsEntry(m, input.openAlerts[m.rep.email] ?? [])));
  if (pages > 1) {
    const turn = (text: string, actionId: string, to: number) => button({ text, actionId, value: teamButtonValue({ team: r.team, asOf: r.asOf, page: to }) });
    blocks.push(
      divider(),
      context(`Page ${page + 1} of ${pages} · reps ${first}–${first + reps.length - 1} of ${r.members.length}`),
      actions([...(page > 0 ? [turn('← Previous', ALL_REPS_PREVIOUS_ACTION, page - 1)] : []), ...(page < pages - 1 ? [turn('Next →', ALL_REPS_NEXT_ACTION, page + 1)] : [])]),
    );
  }
  return {
    type: 'modal',
    title: plain(pages > 1 ? `All reps · ${page + 1} of ${pages}` : 'All reps', MAX_MODAL_TITLE),
    close: plain('Close', MAX_MODAL_TITLE),
    blocks,
  };
}
