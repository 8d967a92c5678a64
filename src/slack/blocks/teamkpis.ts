import type { KnownBlock } from '@slack/types';
import { formatValue } from '../../reports/text.js';
import { askOf } from '../../reports/ask.js';
import type { AlertJson, RepReport, TeamReport } from '../../reports/types.js';
import { seeAllRepsButton, teamButtonValue } from './all-reps.js';
import { askBrief } from './ask.js';
import { LENGTH_BUDGET } from './budgets.js';
import { localMoment, money, pacePercent, percent, slackDate, statusWords, weekDays } from './format.js';
import { actions, button, context, header, message, section, type SlackMessage } from './kit.js';
import { clip, escapeMrkdwn } from './limits.js';
import { linksBlocks } from './links.js';
import { focusLeading, leadingForecastText } from './rep-view.js';
import { coachEntryText, coachFirst, coachFirstHeadline, MAX_NAME, nameText, needsAttentionWith, plural, shortLabel, teamPaceText, teamResultsText, winsText, withinBudget } from './team-view.js';

/** The "Show team" buttons' action (the id of the page buttons it replaced, so buttons already posted still work). */
export const TEAMKPIS_TEAM_ACTION = 'teamkpis_page';

/** The goal the rep is asked for, as a clause after their status; '' when none (src/reports/ask.ts). */
const goalClause = (m: RepReport): string => {
  const ask = askOf(m);
  return ask?.kind === 'goal' ? ` · ${askBrief(m, ask)}` : '';
};

const OUTCOME: Record<RepReport['diagnosis']['outcome'], (m: RepReport) => string> = {
  recognise: () => '✅ results on track',
  coach_activity: (m) => {
    // Its pace is on the row already.
    const a = m.diagnosis.activities.indicator;
    return `${a ? `🎯 coach the activity: ${escapeMrkdwn(a.label)}` : '🎯 coach the activity'}${goalClause(m)}`;
  },
  coach_stage: (m) => {
    const s = m.diagnosis.methodology.stage;
    return s ? `🧭 coach the ${escapeMrkdwn(s.stage)} stage: ${percent(s.repRate)} converted vs ${percent(s.teamRate)} for the team` : '🧭 coach a stage';
  },
  look_past_rep: () => '🔍 behind on results with activity on pace: look past the rep',
  ramping: (m) => {
    const week = m.ramp ? `, week ${m.ramp.week} of ${m.ramp.of}` : '';
    const ask = askOf(m);
    return ask ? `🌱 ramping${week}: 🎯 ${escapeMrkdwn(ask.label)} far behind${goalClause(m)}` : `🌱 information only: ramping${week}`;
  },
  no_basis: () => 'ℹ️ information only: no target or team comparison yet',
};

/** A rep's coaching status in words, from the diagnosis (docs/metrics.md), with its numbers. */
const outcomeText = (m: RepReport): string => OUTCOME[m.diagnosis.outcome](m);

/** One rep: name (★ for top performers), status, pace on each focus indicator, results; the manager's App Home lists reps with it. */
export function repRowText(m: RepReport): string {
  const c = m.currency;
  const paces = focusLeading(m).map((l) => {
    const v = formatValue(l.key, l.value, c);
    if (l.status === 'too_few') return `${escapeMrkdwn(l.label)} *${v}* (${statusWords(l)})`;
    return l.pace === null ? `${escapeMrkdwn(l.label)} *${v}*` : `${escapeMrkdwn(l.label)} *${v}* (${pacePercent(l.pace)} · ${statusWords(l)})`;
  });
  const lag = m.lagging.cadenceWindow;
  return [
    `*${m.topPerformer ? '★ ' : ''}${escapeMrkdwn(clip(m.rep.name, 100))}* — ${outcomeText(m)}`,
    paces.join(' · '),
    `${money(lag.bookedRevenue, c)} booked · ${lag.dealsWon ?? '—'} won in the last ${m.windows.cadence.weeks} weeks · leading forecast ${leadingForecastText(m.forecast, c)}`,
  ].join('\n');
}

/** Other teams the manager can open from the message; the rest are only named. */
const MAX_OTHER_TEAM_BUTTONS = 3;

/**
 * /teamkpis for a manager, one screen (issue 12: at most 2,000 visible characters): the team's
 * pace this week and its results, the reps to coach first with their prompts, one or two wins,
 * which indicators track results, and every rep one click away ("See all reps"). `openAlerts`
 * holds each rep's alerts still open (a rep needs attention with one open over 2 days);
 * `otherTeams` (other teams the manager manages) get a button each.
 */
export function renderTeamKpis(input: { report: TeamReport; openAlerts: Record<string, readonly AlertJson[]>; otherTeams?: readonly string[] }): SlackMessage {
  const r = input.report;
  const others = input.otherTeams ?? [];
  const first = coachFirst(r.members);
  const headline = coachFirstHeadline(first);
  const lower = r.members[0] ? focusLeading(r.members[0]).filter((l) => !l.higherIsBetter) : [];

  const head: KnownBlock[] = [
    header(`${clip(r.team, MAX_NAME)} — week of ${weekDays(r.windows, 'this_week')}`),
    context(
      `${plural(r.members.length, 'rep')} · ★ ${r.topPerformers.length} top performers${lower.length ? ` · lower is better for ${lower.map((l) => escapeMrkdwn(shortLabel(l.key))).join(', ')}` : ''} · as of ${slackDate(r.asOf, '{date_short_pretty} at {time}', localMoment(r.asOf))}`,
    ),
    section(`${teamPaceText(r)}\n${teamResultsText(r)}`),
    section(first.length > 0 ? `*${headline}*` : `✅ *${headline}.*`, seeAllRepsButton(r)),
  ];
  for (const m of first) head.push(section(coachEntryText(m, needsAttentionWith(m, input.openAlerts[m.rep.email] ?? []))));
  const wins = winsText(r, null);
  const shown = others.slice(0, MAX_OTHER_TEAM_BUTTONS);
  const teams: KnownBlock[] = [
    // An actions block each: Slack rejects two equal action_ids in one block.
    ...shown.map((team) => actions([button({ text: `Show ${clip(team, MAX_NAME)}`, actionId: TEAMKPIS_TEAM_ACTION, value: teamButtonValue({ team, asOf: r.asOf, page: 0 }) })])),
    ...(others.length > shown.length ? [context(`You also manage ${others.slice(shown.length).map(nameText).join(', ')}.`)] : []),
  ];
  // Within the budget whatever the team: the wins may give way, then which indicators track results on this team.
  const blocks = withinBudget(
    [
      { blocks: head },
      { blocks: wins ? [section(wins)] : [], dropOrder: 1 },
      { blocks: linksBlocks(r, { team: true, workspace: false }), dropOrder: 2 },
      { blocks: linksBlocks(r, { team: false, workspace: true }) },
      { blocks: teams },
    ],
    LENGTH_BUDGET.teamkpis,
  );
  return message(`${nameText(r.team)}, this week — ${headline}`, blocks);
}

/** /teamkpis help; `unknown` is a word of the command the parser did not understand. */
export function renderTeamKpisHelp(input: { unknown?: string | null } = {}): SlackMessage {
  const blocks: KnownBlock[] = [header('Pacer — /teamkpis')];
  if (input.unknown) blocks.push(section(`I didn’t understand “${escapeMrkdwn(clip(input.unknown, 100))}”. Here is what /teamkpis does:`));
  blocks.push(
    section(
      [
        '`/teamkpis` — for managers: your team this week, its pace against the top performers and its results, the reps to coach first with a coaching prompt, wins, and which indicators track results on this team.',
        '`/teamkpis help` — this help.',
        'Every rep’s diagnosis, coaching prompt and open alerts are one click away: the “See all reps” button.',
      ].join('\n'),
    ),
    context('Only you see these answers. Individual gaps are for you and the rep, never the team channel.'),
  );
  return message('/teamkpis: your team this week and who to coach first, for managers.', blocks);
}
