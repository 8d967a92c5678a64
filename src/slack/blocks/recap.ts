import type { KnownBlock } from '@slack/types';
import { imageBlock } from '../../charts/block.js';
import { attainment } from '../../metrics/forecast.js';
import { isActivityIndicator } from '../../metrics/indicators.js';
import { askOf } from '../../reports/ask.js';
import type { TeamReport } from '../../reports/types.js';
import { ASK_BLOCK } from './ask.js';
import { compactMoney, intervalDays, localMoment, paceBar, percent, slackDate, weekDays } from './format.js';
import { context, fields, header, message, section, type SlackMessage } from './kit.js';
import { clip, escapeMrkdwn } from './limits.js';
import { figureText, improvedReps, type PacesAWeekEarlier, leadingForecast, MAX_NAME, nameText, plural, shortLabel, winnersLastWeek } from './team-view.js';

/**
 * The weekly recap in the team channel: the team's activity against the top-performer pace,
 * pipeline created, results against the period target with both forecasts, wins to celebrate and
 * next week's focus (only what reps are asked for). The whole team reads it, so it speaks of the
 * team as a whole and names a rep only to celebrate them: deals won last week, the biggest steps
 * up since the week before.
 */

/** Reps named for a win or a step up; more are counted, so the message stays short. */
const MAX_NAMED = 10;
const MAX_MOVERS = 5;

/** A team's weekly count, in whole units; money (compact) for pipeline. */
const teamFigure = (key: string, v: number, currency: string) => (key === 'pipeline_created' ? compactMoney(v, currency) : Math.round(v).toLocaleString('en-US'));

interface TeamActivity {
  key: string;
  /** A week as a team, over the cadence window. */
  total: number;
  /** Team activity per rep-week against the top-performer baseline (totals.paceAgainstTop). */
  pace: number | null;
}

/** The team's focus activities, then pipeline created (always shown: it is what next quarter is made of). */
function teamActivities(r: TeamReport): TeamActivity[] {
  const keys = [...r.focus.filter((k) => isActivityIndicator(k) && k !== 'pipeline_created'), 'pipeline_created'];
  return keys.flatMap((key) => {
    const total = r.totals.cadenceWindow.activitiesPerWeek[key];
    return total === undefined || total === null ? [] : [{ key, total, pace: r.totals.paceAgainstTop[key] ?? null }];
  });
}

/** One activity: a week as a team, per rep, and against the top performers with a bar. */
function activityLine(r: TeamReport, a: TeamActivity): string {
  const v = (x: number | null) => figureText(a.key, x, r.currency);
  const against = a.pace === null ? 'no top-performer baseline yet' : `${paceBar(a.pace)} of the top-performer pace (${v(r.baselines[a.key] ?? null)} a rep)`;
  return `• *${escapeMrkdwn(shortLabel(a.key))}*: ${teamFigure(a.key, a.total, r.currency)} a week as a team, ${v(a.total / r.totals.reps)} a rep — ${against}`;
}

/** "The team is at 85% of its usual pace on calls": the first activity focus indicator, cadence window against baseline window. */
function usualPaceLine(r: TeamReport): string | null {
  const key = r.focus.find(isActivityIndicator);
  const ratio = key === undefined ? null : (r.totals.usualPace[key]?.ratio ?? null);
  if (key === undefined || ratio === null) return null;
  return `The team is at ${percent(ratio)} of its usual pace on ${escapeMrkdwn(shortLabel(key).toLowerCase())}`;
}

function resultsFields(r: TeamReport): string[] {
  const f = r.totals.forecast;
  const c = r.currency;
  const w = r.totals.cadenceWindow;
  return [
    `*Booked so far* (${intervalDays(f.period)})\n*${compactMoney(f.bookedSoFar, c)}*${f.target === null ? ' · no team target' : ` of ${compactMoney(f.target, c)} · ${percent(attainment(f.bookedSoFar, f.target))}`}`,
    `*Leading forecast*\n${leadingForecast(f, c)} · ${f.wholeWeeksLeft} weeks left`,
    `*Run-rate forecast*\n${compactMoney(f.runRate, c)}`,
    `*Last ${r.windows.cadence.weeks} weeks*\n${compactMoney(w.bookedRevenue, c)} booked · ${w.dealsWon ?? '—'} won · win rate ${percent(w.winRate)}`,
  ];
}

/** Wins to celebrate; null when there is nothing to name (the recap then says nothing about people). */
function winsText(r: TeamReport, previous: PacesAWeekEarlier | null): string | null {
  const lines: string[] = [];
  const winners = winnersLastWeek(r) ?? [];
  const total = winners.reduce((n, w) => n + w.won, 0);
  if (total > 0) {
    const named = winners.slice(0, MAX_NAMED).map((w) => `${nameText(w.name)} (${w.won})`);
    const others = winners.length > MAX_NAMED ? `, and ${winners.length - MAX_NAMED} more` : '';
    lines.push(`🏆 *${plural(total, 'deal')} won last week:* ${named.join(', ')}${others}. Congratulations!`);
  }
  const movers = improvedReps(r, previous).slice(0, MAX_MOVERS);
  if (movers.length > 0) {
    const named = movers.map((m) => `${nameText(m.member.rep.name)} (+${Math.round((m.after - m.before) * 100)} points of pace)`);
    lines.push(`🚀 *Biggest steps up* on the team’s focus indicators since last week: ${named.join(', ')}.`);
  }
  return lines.length === 0 ? null : `🎉 *Wins to celebrate*\n${lines.join('\n')}`;
}

/** What the most reps are asked to work on this week (src/reports/ask.ts), and by how many; null when nobody is asked for anything. */
function mostAsked(r: TeamReport): { key: string; reps: number } | null {
  const asked = new Map<string, number>();
  for (const m of r.members) {
    const ask = askOf(m);
    if (ask) asked.set(ask.key, (asked.get(ask.key) ?? 0) + 1);
  }
  const [key, reps] = [...asked].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0] ?? [];
  return key === undefined || reps === undefined ? null : { key, reps };
}

/**
 * Next week's focus, with how many reps it is the one thing for. The team channel names no rep's
 * gap: each rep's own number is theirs, in /mykpis.
 */
const focusText = (r: TeamReport, f: { key: string; reps: number }): string =>
  `🎯 *Next week’s focus: ${escapeMrkdwn(shortLabel(f.key))}* — the one thing for ${f.reps} of ${r.members.length} reps this week; each sees their own numbers in \`/mykpis\`.`;

/** The notification: the recognition (deals won, steps up) and the ask (next week's focus), in one line. */
function headline(r: TeamReport, previous: PacesAWeekEarlier | null, focus: { key: string } | null): string {
  const won = (winnersLastWeek(r) ?? []).reduce((n, w) => n + w.won, 0);
  const movers = improvedReps(r, previous).length;
  const recognition =
    won > 0
      ? `${plural(won, 'deal')} won last week — congratulations!`
      : movers > 0
        ? `${plural(movers, 'rep')} stepped up their pace last week.`
        : `weekly recap, ${weekDays(r.windows, 'last_week')}.`;
  return `${nameText(r.team)}: ${recognition}${focus ? ` Next week’s focus: ${escapeMrkdwn(shortLabel(focus.key))}.` : ''}`;
}

/**
 * The team channel's weekly recap; `previous` is each rep's paces a week earlier (null: no steps
 * up named); `chart`, an uploaded chart of the team's activity, shown under the activity lines.
 */
export function renderTeamRecap(input: { report: TeamReport; previous: PacesAWeekEarlier | null; chart?: { fileId: string; altText: string } }): SlackMessage {
  const r = input.report;
  const days = weekDays(r.windows, 'last_week');
  const activity = teamActivities(r);
  const wins = winsText(r, input.previous);
  const asked = mostAsked(r);

  const blocks: KnownBlock[] = [
    header(`${clip(r.team, MAX_NAME)} — weekly recap, ${days}`),
    context(
      `${r.totals.reps} reps · last ${r.windows.cadence.weeks} weeks (${intervalDays(r.windows.cadence)}), per week · as of ${slackDate(r.asOf, '{date_short_pretty} at {time}', localMoment(r.asOf))}`,
    ),
  ];
  if (!r.hasBaseline) blocks.push(section('ℹ️ *No top-performer baseline yet:* the team has too few established reps to set the pace, so the numbers stand on their own.'));
  const usual = usualPaceLine(r);
  if (activity.length > 0) blocks.push(section(`*Team activity against the top-performer pace*\n${activity.map((a) => activityLine(r, a)).join('\n')}`));
  // Under the chart, which belongs right under the activity it draws.
  if (input.chart) blocks.push(imageBlock(input.chart.fileId, input.chart.altText));
  if (usual) blocks.push(context(usual));
  blocks.push(fields(resultsFields(r)));
  if (wins) blocks.push(section(wins));
  if (asked) blocks.push({ ...section(focusText(r, asked)), block_id: ASK_BLOCK });
  blocks.push(context('Everyone’s own numbers are one `/mykpis` away.'));

  return message(headline(r, input.previous, asked), blocks);
}
