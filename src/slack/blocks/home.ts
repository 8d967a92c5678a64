import type { Button, HomeView, KnownBlock, StaticSelect } from '@slack/types';
import { imageBlock } from '../../charts/block.js';
import { needsAttention as repNeedsAttention } from '../../metrics/attention.js';
import { formatValue } from '../../reports/text.js';
import type { AlertJson, LeadingJson, RepReport, TeamReport } from '../../reports/types.js';
import { localMoment, money, paceBar, slackDate, statusBadge, weekDays } from './format.js';
import { actions, button, context, divider, fields, header, option, plain, section } from './kit.js';
import { staleDataText } from './data-health.js';
import { escapeMrkdwn, MAX_VIEW_BLOCKS } from './limits.js';
import { notMappedText } from './notices.js';
import { outcomeSections } from './ask.js';
import { recordButton } from './record.js';
import { alertHeadline } from './alert.js';
import { focusLeading, indicatorText, leadingForecastText, NO_BASELINE_TEXT, ramped, resultsFields, windowLabel, windowsText } from './rep-view.js';
import { repRowText } from './teamkpis.js';

/**
 * App Home tabs: a rep's dashboard, a manager's team overview, or how to get added. Home views
 * hold at most 100 blocks, so the long lists (alerts, indicators, reps) get what room is left and
 * end with a line saying how many more there are.
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

/** No alert is raised on stale data (metrics.md "Data health"); the list would be one. */
export const STALE_ALERTS_TEXT = '*Open alerts:* paused until new CRM data arrives.';
/** Alerts shown with their buttons (2 blocks each); the rest are counted. */
const MAX_HOME_ALERTS = 5;

const eventsButton = (l: LeadingJson, email: string): Button =>
  button({ text: 'Events behind this', actionId: SHOW_EVENTS_ACTION, value: JSON.stringify({ key: l.key, email }) });

/** An alert in coaching words, with the numbers it rests on (metrics.md "Negative behaviours"), and since when. */
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
    blocks.push(
      section(alertText(a, r.currency)),
      actions([...recordButton(a.record), ...ALERT_ACTIONS.map((x) => button({ text: x.text, actionId: `alert_${x.action}`, value }))]),
    );
  }
  if (r.alerts.length > MAX_HOME_ALERTS) blocks.push(context(`and ${r.alerts.length - MAX_HOME_ALERTS} more open alerts`));
  return blocks;
}

/** A leading indicator outside the focus, in one line, for the "all indicators" list. */
function indicatorLine(r: RepReport, l: LeadingJson): string {
  const v = (x: number | null) => formatValue(l.key, x, r.currency);
  const base = l.baseline === null ? '' : ramped(r, l) ? ` · ${v(l.expectation)} expected (ramping)` : ` · top performers ${v(l.baseline)}`;
  const bar = l.pace === null ? '' : ` · \`${paceBar(l.pace)}\``;
  return `*${escapeMrkdwn(l.label)}*: ${v(l.value)}${base}${bar}${l.higherIsBetter ? '' : ' · _lower is better_'} · ${statusBadge(l)}`;
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
    section(`*${what}:* ${enabled ? `on — ${when} at ${sendTime} (your time zone)` : 'off'}`, button({ text: enabled ? 'Turn off' : 'Turn on', actionId: toggleAction, value: enabled ? 'off' : 'on' })),
    section(`*${what} time* (your time zone)`, sendTimeSelect(sendTime)),
  ];
}

/**
 * A rep's dashboard: /mykpis with each focus indicator's 8-week trend, charts of the trend and
 * of results when uploaded, results and forecast, the coaching prompt, open alerts with what to
 * do about them, every leading indicator with the events behind it, and the weekly nudge settings.
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
  const stale = staleDataText(r.dataHealth);
  const head: KnownBlock[] = [
    header(`Your KPIs — week of ${weekDays(r.windows, 'this_week')}`),
    context(`${escapeMrkdwn(r.rep.team)}${r.topPerformer ? ' · ★ top performer' : ''} · updated ${slackDate(input.generatedAt, '{date_short_pretty} at {time}', input.generatedAt)}`),
  ];
  if (stale) head.push(context(stale));
  if (!r.hasBaseline) head.push(section(NO_BASELINE_TEXT));
  for (const l of focus) head.push(section(indicatorText(r, l, 'this_week', true), eventsButton(l, r.rep.email)));
  head.push(...outcomeSections(r, true));
  for (const chart of input.charts ?? []) head.push(imageBlock(chart.fileId, chart.altText));
  head.push(divider(), fields(resultsFields(r)));
  // look_past_rep's prompt is for the manager (lead quality, territory): it asks nothing of the rep.
  if (r.diagnosis.outcome !== 'look_past_rep') head.push(section(`*Coaching note:* ${escapeMrkdwn(r.diagnosis.prompt)}`));
  head.push(context(windowsText(r)), divider(), ...(stale ? [section(STALE_ALERTS_TEXT)] : alertBlocks(r)), divider());

  const tail: KnownBlock[] = [divider(), ...settingsBlocks('Weekly nudge', 'every Monday', input.settings.nudgesEnabled, TOGGLE_NUDGES_ACTION, input.settings.sendTime)];
  const others = r.leading.filter((l) => !focus.includes(l));
  // The intro line and, when cut, the "more" line take a block each.
  const room = MAX_VIEW_BLOCKS - head.length - tail.length - 2;
  const shown = others.slice(0, room);
  const list: KnownBlock[] = [section(`*All indicators* — ${windowLabel(r).toLowerCase()} against top performers; open the events behind any figure.`)];
  for (const l of shown) list.push(section(indicatorLine(r, l), eventsButton(l, r.rep.email)));
  if (shown.length < others.length) list.push(context(`${others.length - shown.length} more indicators not shown`));
  return { type: 'home', blocks: [...head, ...list, ...tail] };
}

/** metrics.md "Needs attention" (src/metrics/attention.ts) for a rep report and the alerts open on it. */
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
