import type { KnownBlock } from '@slack/types';
import { attainment } from '../../metrics/forecast.js';
import type { RepReport } from '../../reports/types.js';
import { money, percent, weekDays } from './format.js';
import { actions, button, context, divider, fields, header, message, section, type SlackMessage } from './kit.js';
import { staleDataText } from './data-health.js';
import { clip, escapeMrkdwn } from './limits.js';
import { outcomeClauses, outcomeSections } from './ask.js';
import { focusLeading, indicatorSummary, indicatorText, NO_BASELINE_TEXT, resultsFields, windowsText, type KpiWeek } from './rep-view.js';

/**
 * /mykpis: one rep's focus indicators this week (or last week) against the team's top
 * performers, results against target and the one thing to focus on. Shown privately to the rep,
 * or to their manager (`viewerIsSubject` false), who sees the rep's name instead of "Your KPIs".
 */
export function renderMyKpis(input: { report: RepReport; period: KpiWeek; appHomeUrl: string | null; viewerIsSubject: boolean }): SlackMessage {
  const { report: r, period } = input;
  const days = weekDays(r.windows, period);
  const when = period === 'this_week' ? `week of ${days}` : `last week, ${days}`;
  const focus = focusLeading(r);
  // "/mykpis last" speaks of a past week only, and asks nothing.
  const outcome = outcomeSections(r, period === 'this_week');
  // While data is stale the figures are shown as information only (askOf asks nothing), with when data last arrived.
  const stale = staleDataText(r.dataHealth);

  const blocks: KnownBlock[] = [
    header(`${input.viewerIsSubject ? 'Your KPIs' : r.rep.name} — ${when}`),
    context(`${escapeMrkdwn(r.rep.team)}${r.topPerformer ? ' · ★ top performer' : ''}`),
  ];
  if (stale) blocks.push(context(stale));
  if (!r.hasBaseline) blocks.push(section(NO_BASELINE_TEXT));
  for (const l of focus) blocks.push(section(indicatorText(r, l, period, false)));
  blocks.push(...outcome);
  blocks.push(divider(), fields(resultsFields(r)), context(windowsText(r)));
  if (input.appHomeUrl) blocks.push(actions([button({ text: 'Open your dashboard', actionId: 'open_dashboard', url: input.appHomeUrl })]));

  const f = r.forecast;
  const who = input.viewerIsSubject ? 'Your KPIs' : `KPIs of ${escapeMrkdwn(r.rep.name)}`;
  const booked = `booked ${money(f.bookedSoFar, r.currency)}${f.target === null ? '' : ` of ${money(f.target, r.currency)} (${percent(attainment(f.bookedSoFar, f.target))})`}`;
  const text = [`${who}, ${when}: ${focus.map((l) => indicatorSummary(r, l, period)).join('; ')}`, booked, r.hasBaseline ? '' : 'no top-performer baseline yet', ...outcomeClauses(outcome), staleDataText(r.dataHealth, false)?.replace(/\.$/, '') ?? '']
    .filter((s) => s !== '')
    .join('. ');
  return message(text, blocks);
}

/** /mykpis help; `unknown` is a word of the command the parser did not understand. */
export function renderMyKpisHelp(input: { unknown?: string | null } = {}): SlackMessage {
  const usage = [
    '`/mykpis` — your focus indicators this week against your team’s top performers, your results against target and the one thing to focus on.',
    '`/mykpis last` — the same for last week (the last complete week).',
    '`/mykpis help` — this help.',
    'Managers: `/mykpis @rep` — the same for a rep of your team.',
  ];
  const blocks: KnownBlock[] = [header('Pacer — /mykpis')];
  if (input.unknown) blocks.push(section(`I didn’t understand “${escapeMrkdwn(clip(input.unknown, 100))}”. Here is what /mykpis does:`));
  blocks.push(section(usage.join('\n')), context('Only you see these answers. The numbers come from your CRM activity; nobody types them in.'));
  return message('/mykpis: your KPIs this week (/mykpis) or last week (/mykpis last); managers: /mykpis @rep.', blocks);
}
