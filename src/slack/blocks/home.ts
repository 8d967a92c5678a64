import type { HomeView, KnownBlock, SectionBlock, StaticSelect } from '@slack/types';
import { imageBlock } from '../../charts/block.js';
import { needsAttention as repNeedsAttention } from '../../metrics/attention.js';
import type { AlertJson, LeadingJson, RepReport, TeamReport } from '../../reports/types.js';
import { figureText, localMoment, money, pacePercent, slackDate, statusEmoji, statusWords, weekDays } from './format.js';
import { actions, button, context, divider, header, option, plain, section } from './kit.js';
import { staleDataText } from './data-health.js';
import { escapeMrkdwn, MAX_SECTION_TEXT, MAX_VIEW_BLOCKS } from './limits.js';
import { notMappedText } from './notices.js';
import { leadSection, rampText } from './ask.js';
import { recordButton } from './record.js';
import { comparedText, focusLeading, focusText, leadingForecastText, NO_BASELINE_TEXT, ramped, resultsLines, teamText, windowsText } from './rep-view.js';
import { alertHeadline } from './alert.js';
import { repRowText } from './teamkpis.js';

/**
 * App Home tabs: a rep's dashboard, a manager's team overview, or how to get added. Home views
 * hold at most 100 blocks: a rep's open alerts beyond the first few and a manager's reps beyond
 * what room is left are counted in a line saying how many more there are; a rep's other indicators
 * share a few sections, a line each.
 */

export const SHOW_EVENTS_ACTION = 'show_events';
export const OPEN_REP_ACTION = 'open_rep';
export const TOGGLE_NUDGES_ACTION = 'settings_toggle_nudges';
export const TOGGLE_DIGEST_ACTION = 'settings_toggle_digest';
export const SEND_TIME_ACTION = 'settings_send_time';
/** What a rep can do with an alert; each its own action_id (`alert_done`, …), value `{"key":…}`. */
export const ALERT_ACTIONS = [
  { action: 'done', text: 'Done' },
  { action: 'snooze_1d', text: 'Snooze a day' },
  { action: 'dismiss', text: 'Dismiss' },
] as const;

/** No alert is raised on stale data (docs/metrics.md "Data health"); the list would be one. */
export const STALE_ALERTS_TEXT = '*Open alerts:* paused until new CRM data arrives.';
/** Slack's cap on a menu's options. */
const MAX_SELECT_OPTIONS = 100;
/** Alerts shown with their buttons (2 blocks each); the rest are counted. */
const MAX_HOME_ALERTS = 5;

/** An alert in coaching words, with the numbers it rests on (docs/metrics.md "Negative behaviours"), and since when. */
export function alertText(a: AlertJson, currency: string): string {
  // The App Home knows no reader zone: a meeting's time is a Slack date token, read in the
  // reader's own zone, with a UTC fallback.
  return `${alertHeadline(a, currency, 'UTC')}\n_since ${localMoment(a.triggeredAt)}_`;
}

function alertBlocks(r: RepReport): KnownBlock[] {
  if (r.alerts.length === 0) return [section('*Open alerts:* none. Nice.')];
  const blocks: KnownBlock[] = [section(`*Open alerts (${r.alerts.length})*`)];
  for (const a of r.alerts.slice(0, MAX_HOME_ALERTS)) {
    const value = JSON.stringify({ key: a.key });
    blocks.push(section(alertText(a, r.currency)), actions([...recordButton(a.record), ...ALERT_ACTIONS.map((x) => button({ text: x.text, actionId: `alert_${x.action}`, value }))]));
  }
  if (r.alerts.length > MAX_HOME_ALERTS) blocks.push(context(`and ${r.alerts.length - MAX_HOME_ALERTS} more open alerts`));
  return blocks;
}

/** A leading indicator outside the focus, in one short line for the "All indicators" list: "🟢 Emails per week *125.3* vs 125.3 (100%)". */
function indicatorLine(r: RepReport, l: LeadingJson): string {
  const v = (x: number | null) => figureText(l.key, x, r.currency);
  const against = l.baseline === null ? '' : ramped(r, l) ? ` vs ${v(l.expectation)} expected` : ` vs ${v(l.baseline)}`;
  const how = l.status === 'too_few' ? ` (${statusWords(l)})` : l.pace === null ? '' : ` (${pacePercent(l.pace)})`;
  return `${statusEmoji(l)} ${escapeMrkdwn(l.label)} *${v(l.value)}*${against}${how}${l.higherIsBetter ? '' : ' · _lower is better_'}`;
}

/** Lines as few sections as fit Slack's section limit (a line is never split). */
function linesSections(lines: readonly string[]): SectionBlock[] {
  const texts: string[] = [];
  for (const line of lines) {
    const last = texts.at(-1);
    if (last !== undefined && last.length + 1 + line.length <= MAX_SECTION_TEXT) texts[texts.length - 1] = `${last}\n${line}`;
    else texts.push(line);
  }
  return texts.map((t) => section(t));
}

/**
 * One menu to open the events behind any figure: the focus indicators first, then the others.
 * An option's value is the indicator's key alone (values are capped at 150 characters); the
 * dashboard is its viewer's own, so the listener takes the viewer as the rep.
 */
function eventsMenu(focus: readonly LeadingJson[], others: readonly LeadingJson[]): SectionBlock {
  const select: StaticSelect = {
    type: 'static_select',
    action_id: SHOW_EVENTS_ACTION,
    placeholder: plain('Choose a figure', 150),
    options: [...focus, ...others].slice(0, MAX_SELECT_OPTIONS).map((l) => option(l.label, l.key)),
  };
  return section('🔎 *Events behind a figure* — the CRM events it is counted from.', select);
}

const HALF_HOURS = Array.from({ length: 11 }, (_, i) => `${String(6 + Math.floor(i / 2)).padStart(2, '0')}:${i % 2 ? '30' : '00'}`);

/** Send-time menu: every 30 min from 06:00 to 11:00, plus the current time if it is another one. */
function sendTimeSelect(current: string): StaticSelect {
  const valid = /^([01]\d|2[0-3]):[0-5]\d$/.test(current);
  const times = valid && !HALF_HOURS.includes(current) ? [...HALF_HOURS, current].sort() : HALF_HOURS;
  return {
    type: 'static_select',
    action_id: SEND_TIME_ACTION,
    placeholder: plain('Pick a time', 150),
    options: times.map((t) => option(t, t)),
    ...(valid ? { initial_option: option(current, current) } : {}),
  };
}

function settingsBlocks(what: string, when: string, enabled: boolean, toggleAction: string, sendTime: string): KnownBlock[] {
  return [
    section(
      `*${what}:* ${enabled ? `on — ${when} at ${sendTime} (your time zone)` : 'off'}`,
      button({ text: enabled ? 'Turn off' : 'Turn on', actionId: toggleAction, value: enabled ? 'off' : 'on' }),
    ),
    section(`*${what} time* (your time zone)`, sendTimeSelect(sendTime)),
  ];
}

/**
 * A rep's dashboard, readable on a phone: the ask (or the recognition) first, each focus indicator
 * this week with its 8-week trend, one menu for the events behind any figure, charts when
 * uploaded, results and forecast, open alerts with what to do about them,
 * every other leading indicator in one line each, and the weekly nudge settings.
 */
export function renderRepHome(input: {
  report: RepReport;
  settings: { nudgesEnabled: boolean; sendTime: string };
  generatedAt: string;
  /** Uploaded charts (cadence, results), shown after the focus indicators. */
  charts?: { fileId: string; altText: string }[];
}): HomeView {
  const r = input.report;
  const focus = focusLeading(r);
  const others = r.leading.filter((l) => !focus.includes(l));
  const stale = staleDataText(r.dataHealth);
  const lead = leadSection(r, true);
  const blocks: KnownBlock[] = [
    header(`Your KPIs — week of ${weekDays(r.windows, 'this_week')}`),
    context(`${teamText(r)} · updated ${slackDate(input.generatedAt, '{date_short_pretty} at {time}', localMoment(r.asOf))}`),
  ];
  if (stale) blocks.push(context(stale));
  if (lead) blocks.push(lead);
  if (r.ramp) blocks.push(section(rampText(r.ramp)));
  if (!r.hasBaseline) blocks.push(section(NO_BASELINE_TEXT));
  for (const l of focus) blocks.push(section(focusText(r, l, 'this_week', true)));
  if (r.leading.length > 0) blocks.push(eventsMenu(focus, others));
  for (const chart of input.charts ?? []) blocks.push(imageBlock(chart.fileId, chart.altText));
  // The diagnosis prompt is the manager's (digest, /teamkpis): the rep's own words are the ask or the recognition above.
  blocks.push(divider(), section(resultsLines(r)), context(windowsText(r)), divider(), ...(stale ? [section(STALE_ALERTS_TEXT)] : alertBlocks(r)), divider());
  if (others.length > 0) {
    blocks.push(...linesSections([`*All indicators* — ${comparedText(r).toLowerCase()}`, ...others.map((l) => indicatorLine(r, l))]));
  }
  blocks.push(divider(), ...settingsBlocks('Weekly nudge', 'every Monday', input.settings.nudgesEnabled, TOGGLE_NUDGES_ACTION, input.settings.sendTime));
  return { type: 'home', blocks };
}

/** docs/metrics.md "Needs attention" (src/metrics/attention.ts) for a rep report and the alerts open on it. */
export function needsAttention(m: RepReport): boolean {
  return repNeedsAttention({
    resultsGap: m.diagnosis.results.gap,
    asOf: Date.parse(m.asOf),
    focus: focusLeading(m),
    openAlertsTriggeredAt: m.alerts.map((a) => Date.parse(a.triggeredAt)),
  });
}

/** Blocks each shown team costs besides its reps: header, summary, "and N more". */
const TEAM_BLOCKS = 3;

/**
 * A manager's overview: per team, a summary and each rep (needs attention first) with an "Open"
 * button, then the digest settings. Teams share the 100 blocks; smaller teams are served first
 * so the room they leave goes to the bigger ones, which end with "and N more — use /teamkpis".
 */
export function renderManagerHome(input: { teams: readonly TeamReport[]; settings: { digestEnabled: boolean; sendTime: string }; generatedAt: string }): HomeView {
  const head: KnownBlock[] = [header('Your teams'), context(`Updated ${slackDate(input.generatedAt, '{date_short_pretty} at {time}', input.generatedAt)}`)];
  const tail: KnownBlock[] = [divider(), ...settingsBlocks('Weekly coaching digest', 'weekly', input.settings.digestEnabled, TOGGLE_DIGEST_ACTION, input.settings.sendTime)];
  const free = MAX_VIEW_BLOCKS - head.length - tail.length;
  const teamCount = input.teams.length * TEAM_BLOCKS <= free ? input.teams.length : Math.floor((free - 1) / TEAM_BLOCKS);
  const teams = input.teams.slice(0, teamCount);
  let room = free - teamCount * TEAM_BLOCKS - (teamCount < input.teams.length ? 1 : 0);
  const shownReps = new Map<TeamReport, number>();
  [...teams]
    .sort((a, b) => a.members.length - b.members.length)
    .forEach((t, i, all) => {
      const n = Math.min(t.members.length, Math.floor(room / (all.length - i)));
      shownReps.set(t, n);
      room -= n;
    });

  const body: KnownBlock[] = [];
  if (input.teams.length === 0) body.push(section('You don’t manage an active team in the coaching config yet.'));
  for (const t of teams) {
    const f = t.totals.forecast;
    const attention = t.members.filter(needsAttention);
    const ordered = [...attention, ...t.members.filter((m) => !attention.includes(m))];
    const n = shownReps.get(t) ?? 0;
    body.push(
      header(`${t.team} — week of ${weekDays(t.windows, 'this_week')}`),
      context(
        `${t.members.length} reps · ${attention.length} need attention · booked ${money(f.bookedSoFar, t.currency)}${f.target === null ? '' : ` of ${money(f.target, t.currency)}`} · leading forecast ${leadingForecastText(f, t.currency)}`,
      ),
    );
    for (const m of ordered.slice(0, n)) {
      const flag = attention.includes(m) ? '⚠️ ' : '';
      body.push(section(`${flag}${repRowText(m)}`, button({ text: 'Open', actionId: OPEN_REP_ACTION, value: JSON.stringify({ email: m.rep.email }) })));
    }
    if (n < t.members.length) body.push(context(`and ${t.members.length - n} more — use /teamkpis`));
  }
  if (teams.length < input.teams.length) body.push(context(`and ${input.teams.length - teams.length} more teams — use /teamkpis`));
  return { type: 'home', blocks: [...head, ...body, ...tail] };
}

/** The App Home of someone Pacer does not know: what Pacer is and how to get added. */
export function renderUnlinkedHome(input: { reason: 'not_in_config'; email: string | null }): HomeView {
  return {
    type: 'home',
    blocks: [
      header('Welcome to Pacer'),
      section(`👋 ${notMappedText(input.email)}`),
      context('Once you’re in, this tab shows your leading indicators next to your team’s top performers, your results against target and the one thing to focus on each week.'),
    ],
  };
}
