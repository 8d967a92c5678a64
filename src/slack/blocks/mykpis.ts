import type { KnownBlock } from '@slack/types';
import { isActivityIndicator } from '../../metrics/indicators.js';
import type { RepReport } from '../../reports/types.js';
import { leadSection, rampText, repHeadline } from './ask.js';
import { LENGTH_BUDGET } from './budgets.js';
import { staleDataText } from './data-health.js';
import { weekDays } from './format.js';
import { actions, button, context, header, message, section, type SlackMessage } from './kit.js';
import { clip, escapeMrkdwn } from './limits.js';
import { OPEN_DASHBOARD_ACTION } from './nudge.js';
import { visibleLength } from './visible-text.js';
import { asOfText, comparedText, focusLeading, focusText, nameText, NO_BASELINE_TEXT, onPaceCount, resultsLines, teamText, type KpiWeek } from './rep-view.js';

/**
 * What /mykpis leaves out, a step at a time, when long names or labels would take it over its
 * budget: the week shown for rates, the cadence window's results line, the week shown for counts.
 * The header, the ask, each focus indicator's line and the button always stay.
 */
const DETAIL = [
  { rateWeek: true, windowResults: true, countWeek: true },
  { rateWeek: false, windowResults: true, countWeek: true },
  { rateWeek: false, windowResults: false, countWeek: true },
  { rateWeek: false, windowResults: false, countWeek: false },
] as const;

/**
 * /mykpis: the one ask (or the recognition) first, then each focus indicator this week (or last
 * week) against the team's top performers, results against target in two lines, and a button to
 * the dashboard; within LENGTH_BUDGET.mykpis. Shown privately to the rep, or to their manager
 * (`viewerIsSubject` false), who sees the rep's name instead of "Your KPIs".
 */
export function renderMyKpis(input: { report: RepReport; period: KpiWeek; appHomeUrl: string | null; viewerIsSubject: boolean }): SlackMessage {
  const { report: r, period } = input;
  const days = weekDays(r.windows, period);
  const when = period === 'this_week' ? `week of ${days}` : `last week, ${days}`;
  // "/mykpis last" speaks of a past week only, and asks nothing.
  const lead = leadSection(r, period === 'this_week');
  // While data is stale the figures are shown as information only (askOf asks nothing), with when data last arrived.
  const stale = staleDataText(r.dataHealth);

  const render = (detail: (typeof DETAIL)[number]): KnownBlock[] => {
    const blocks: KnownBlock[] = [header(`${input.viewerIsSubject ? 'Your KPIs' : clip(r.rep.name, 60)} — ${when}`)];
    if (stale) blocks.push(context(stale));
    if (lead) blocks.push(lead);
    if (r.ramp) blocks.push(section(rampText(r.ramp)));
    if (!r.hasBaseline) blocks.push(section(NO_BASELINE_TEXT));
    for (const l of focusLeading(r)) blocks.push(section(focusText(r, l, (isActivityIndicator(l.key) ? detail.countWeek : detail.rateWeek) ? period : null, false)));
    blocks.push(section(resultsLines(r, detail.windowResults)), context(`${teamText(r)} · ${comparedText(r)} · as of ${asOfText(r)}`));
    if (input.appHomeUrl) blocks.push(actions([button({ text: 'Open your dashboard', actionId: OPEN_DASHBOARD_ACTION, url: input.appHomeUrl })]));
    return blocks;
  };
  let blocks = render(DETAIL[0]);
  for (const detail of DETAIL.slice(1)) {
    if (visibleLength(blocks) <= LENGTH_BUDGET.mykpis) break;
    blocks = render(detail);
  }

  const headline = repHeadline(r, period === 'this_week');
  const text = input.viewerIsSubject ? (headline ?? `Your KPIs, ${when}: ${onPaceCount(r)}`) : `KPIs of ${nameText(r.rep.name)}, ${when}: ${headline ?? onPaceCount(r)}`;
  return message(text, blocks);
}

/** /mykpis help; `unknown` is a word of the command the parser did not understand. */
export function renderMyKpisHelp(input: { unknown?: string | null } = {}): SlackMessage {
  const usage = [
    '`/mykpis` — your focus indicators this week against your team’s top performers, your results against target and the one thing to focus on.',
    '`/mykpis last week` — the same for last week (the last complete week).',
    '`/mykpis help` — this help.',
    'Managers: `/mykpis @rep` — the same for a rep of your team.',
  ];
  const blocks: KnownBlock[] = [header('Pacer — /mykpis')];
  if (input.unknown) blocks.push(section(`I didn’t understand “${escapeMrkdwn(clip(input.unknown, 100))}”. Here is what /mykpis does:`));
  blocks.push(section(usage.join('\n')), context('Only you see these answers. The numbers come from your CRM activity; nobody types them in.'));
  return message('/mykpis: your KPIs this week (/mykpis) or last week (/mykpis last week); managers: /mykpis @rep.', blocks);
}
