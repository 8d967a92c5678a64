import type { ActionsBlock, KnownBlock } from '@slack/types';
import { attainment } from '../../metrics/forecast.js';
import { formatValue } from '../../reports/text.js';
import type { RepReport, TeamReport } from '../../reports/types.js';
import { intervalDays, localMoment, money, pacePercent, percent, statusWords, weekDays } from './format.js';
import { actions, button, context, divider, fields, header, message, section, type SlackMessage } from './kit.js';
import { clip, escapeMrkdwn, MAX_BUTTON_VALUE, MAX_MESSAGE_BLOCKS } from './limits.js';
import { linksBlocks } from './links.js';
import { focusLeading, leadingForecastText } from './rep-view.js';

export const TEAMKPIS_PAGE_ACTION = 'teamkpis_page';

/** What the Previous/Next (and other team) buttons carry, as JSON in the button's value. */
export interface TeamKpisPageValue {
  team: string;
  /** 0-based: page 0 is the first. */
  page: number;
  /** The report's as-of instant, so the page turned to is of the same report. */
  asOf: string;
}

/**
 * Blocks of a page besides the rep rows and the other teams' buttons: header, context,
 * no-baseline note, team results, 2 dividers, links and their figures, page line, Previous, Next. Previous and
 * Next sit in an actions block each, because Slack rejects two equal action_ids in one block.
 */
const FIXED_BLOCKS = 11;
/** Other teams the manager can open from the message; the rest are only named. */
const MAX_OTHER_TEAM_BUTTONS = 3;
/** Rep rows per page: a screenful a manager can read, and 3 pages for a 60-rep team. */
export const DEFAULT_TEAM_PAGE_SIZE = 20;
/**
 * Team names have no length limit in the config; a button value carries at most this much of
 * one, so that even fully JSON-escaped (6 characters each), with the page and the as-of instant
 * (under 100 characters), it stays within Slack's 2,000.
 */
const MAX_TEAM_IN_VALUE = Math.floor((MAX_BUTTON_VALUE - 100) / 6);

const OUTCOME: Record<RepReport['diagnosis']['outcome'], (m: RepReport) => string> = {
  recognise: () => '✅ results on track',
  coach_activity: (m) => {
    const a = m.diagnosis.activities.indicator;
    return a ? `🎯 coach the activity: ${escapeMrkdwn(a.label)} (${pacePercent(a.pace)} of top performers)` : '🎯 coach the activity';
  },
  coach_stage: (m) => {
    const s = m.diagnosis.methodology.stage;
    return s ? `🧭 coach the ${escapeMrkdwn(s.stage)} stage: ${percent(s.repRate)} converted vs ${percent(s.teamRate)} for the team` : '🧭 coach a stage';
  },
  look_past_rep: () => '🔍 behind on results with activity on pace: look past the rep',
  ramping: (m) => (m.ramp ? `🌱 information only: ramping, week ${m.ramp.week} of ${m.ramp.of}` : '🌱 information only: ramping'),
  no_basis: () => 'ℹ️ information only: no target or team comparison yet',
};

/** A rep's coaching status in words, from the diagnosis (metrics.md), with its numbers. */
const outcomeText = (m: RepReport): string => OUTCOME[m.diagnosis.outcome](m);

/** One rep: name (★ for top performers), status, pace on each focus indicator, results. */
export function repRowText(m: RepReport): string {
  const c = m.currency;
  const paces = focusLeading(m).map((l) => {
    const v = formatValue(l.key, l.value, c);
    return l.pace === null ? `${escapeMrkdwn(l.label)} *${v}*` : `${escapeMrkdwn(l.label)} *${v}* (${pacePercent(l.pace)} · ${statusWords(l.status)})`;
  });
  const lag = m.lagging.cadenceWindow;
  return [
    `*${m.topPerformer ? '★ ' : ''}${escapeMrkdwn(clip(m.rep.name, 100))}* — ${outcomeText(m)}`,
    paces.join(' · '),
    `${money(lag.bookedRevenue, c)} booked · ${lag.dealsWon ?? '—'} won in the last ${m.windows.cadence.weeks} weeks · leading forecast ${leadingForecastText(m.forecast, c)}`,
  ].join('\n');
}

function teamResults(r: TeamReport): string[] {
  const f = r.totals.forecast;
  const c = r.currency;
  const w = r.totals.cadenceWindow;
  return [
    `*Booked so far* (${intervalDays(f.period)})\n*${money(f.bookedSoFar, c)}*${f.target === null ? ' · no team target' : ` of ${money(f.target, c)} · ${percent(attainment(f.bookedSoFar, f.target))}`}`,
    `*Leading forecast*\n${leadingForecastText(f, c)}`,
    `*Last ${r.windows.cadence.weeks} weeks*\n${money(w.bookedRevenue, c)} booked · ${w.dealsWon ?? '—'} won · win rate ${percent(w.winRate)}`,
    `*Pipeline created*\n${money(w.pipelineCreatedPerWeek, c)} a week · run-rate forecast ${money(f.runRate, c)}`,
  ];
}

const pageButton = (text: string, value: TeamKpisPageValue): ActionsBlock =>
  actions([button({ text, actionId: TEAMKPIS_PAGE_ACTION, value: JSON.stringify({ ...value, team: value.team.slice(0, MAX_TEAM_IN_VALUE) }) })]);

/**
 * /teamkpis for a manager: every rep of the team with their pace on the focus indicators,
 * results and coaching status, then which indicators track results. Paginated (`page` 0-based,
 * out of range clamped) so a 60-rep team stays within Slack's 50 blocks per message; `pageSize`
 * is capped to what fits. `otherTeams` (other teams the manager manages) get a button each.
 */
export function renderTeamKpis(input: { report: TeamReport; page: number; pageSize?: number; otherTeams?: readonly string[] }): SlackMessage {
  const r = input.report;
  const others = input.otherTeams ?? [];
  const otherBlocks = Math.min(others.length, MAX_OTHER_TEAM_BUTTONS) + (others.length > MAX_OTHER_TEAM_BUTTONS ? 1 : 0);
  const size = Math.min(MAX_MESSAGE_BLOCKS - FIXED_BLOCKS - otherBlocks, Math.max(1, Math.floor(input.pageSize ?? DEFAULT_TEAM_PAGE_SIZE)));
  const pages = Math.max(1, Math.ceil(r.members.length / size));
  const page = Math.min(pages - 1, Math.max(0, Math.floor(input.page)));
  const rows = r.members.slice(page * size, (page + 1) * size);
  const days = weekDays(r.windows, 'this_week');

  const lower = r.members[0] ? focusLeading(r.members[0]).filter((l) => !l.higherIsBetter) : [];
  const blocks: KnownBlock[] = [
    header(`${r.team} — week of ${days}`),
    context(
      `${r.members.length} reps · ★ ${r.topPerformers.length} top performers · last ${r.windows.cadence.weeks} weeks (${intervalDays(r.windows.cadence)}) against the top-performer baseline${lower.length ? ` · lower is better for ${lower.map((l) => escapeMrkdwn(l.label)).join(', ')}` : ''} · as of ${localMoment(r.asOf)}`,
    ),
  ];
  if (!r.hasBaseline) blocks.push(section('ℹ️ *No top-performer baseline yet:* the team has too few established reps, so no paces are shown.'));
  blocks.push(fields(teamResults(r)), divider());
  for (const m of rows) blocks.push(section(repRowText(m)));
  blocks.push(divider(), ...linksBlocks(r, `*Which focus indicators track results here?* Rank correlation with results over the ${r.windows.baseline.weeks}-week baseline, across ${r.cohort.length} established reps:`));
  blocks.push(context(rows.length === 0 ? 'No reps on this team yet.' : `Page ${page + 1} of ${pages} · reps ${page * size + 1}–${page * size + rows.length} of ${r.members.length}`));
  if (page > 0) blocks.push(pageButton('← Previous', { team: r.team, page: page - 1, asOf: r.asOf }));
  if (page < pages - 1) blocks.push(pageButton('Next →', { team: r.team, page: page + 1, asOf: r.asOf }));
  for (const team of others.slice(0, MAX_OTHER_TEAM_BUTTONS)) blocks.push(pageButton(`Show ${team}`, { team, page: 0, asOf: r.asOf }));
  if (others.length > MAX_OTHER_TEAM_BUTTONS) blocks.push(context(`You also manage ${others.slice(MAX_OTHER_TEAM_BUTTONS).map(escapeMrkdwn).join(', ')}.`));

  const counts = new Map<string, number>();
  for (const m of r.members) counts.set(m.diagnosis.outcome, (counts.get(m.diagnosis.outcome) ?? 0) + 1);
  const f = r.totals.forecast;
  const text = [
    `${escapeMrkdwn(r.team)}, week of ${days}: ${r.members.length} reps (page ${page + 1} of ${pages})`,
    `${counts.get('recognise') ?? 0} on track, ${(counts.get('coach_activity') ?? 0) + (counts.get('coach_stage') ?? 0)} to coach, ${counts.get('look_past_rep') ?? 0} behind with activity on pace`,
    `team booked ${money(f.bookedSoFar, r.currency)}${f.target === null ? '' : ` of ${money(f.target, r.currency)}`}, leading forecast ${leadingForecastText(f, r.currency)}`,
  ].join('. ');
  return message(text, blocks);
}

/** /teamkpis help; `unknown` is a word of the command the parser did not understand. */
export function renderTeamKpisHelp(input: { unknown?: string | null } = {}): SlackMessage {
  const blocks: KnownBlock[] = [header('Pacer — /teamkpis')];
  if (input.unknown) blocks.push(section(`I didn’t understand “${escapeMrkdwn(clip(input.unknown, 100))}”. Here is what /teamkpis does:`));
  blocks.push(
    section(
      [
        '`/teamkpis` — for managers: each rep of your team this week, their pace on the focus indicators against the top performers, results and what to coach; then which indicators track results on this team.',
        '`/teamkpis help` — this help.',
        'Large teams come in pages: use the Previous and Next buttons.',
      ].join('\n'),
    ),
    context('Only you see these answers. Individual gaps are for you and the rep, never the team channel.'),
  );
  return message('/teamkpis: your team this week, rep by rep, for managers.', blocks);
}
