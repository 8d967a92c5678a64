import type { ActionsBlock, KnownBlock } from '@slack/types';
import type { RepReport } from '../../reports/types.js';
import { jsonButtonValue } from './alert.js';
import { outcomeClauses, outcomeSections } from './ask.js';
import { money, weekDays } from './format.js';
import { actions, button, context, divider, fields, header, message, section, type SlackMessage } from './kit.js';
import { staleDataText } from './data-health.js';
import { escapeMrkdwn } from './limits.js';
import { focusLeading, indicatorSummary, indicatorText, leadingForecastText, NO_BASELINE_TEXT, resultsFields, windowsText } from './rep-view.js';

/**
 * The weekly nudge a rep gets early in the new week: last week on each focus indicator against
 * the top-performer baseline, with its 8-week trend; this week's goal when the diagnosis asks for
 * one (src/reports/ask.ts), results on track recognised as such; results and pace to target.
 */

export const FEEDBACK_BLOCK = 'feedback';

/** "Useful / not useful" on a weekly message; `subject` names what was rated (e.g. "rep_nudge:2026-W47"). */
export function feedbackActions(subject: string): ActionsBlock {
  const value = jsonButtonValue('subject', subject);
  return {
    ...actions([button({ text: '👍 Useful', actionId: 'feedback_useful', value }), button({ text: '👎 Not useful', actionId: 'feedback_not_useful', value })]),
    block_id: FEEDBACK_BLOCK,
  };
}

/** The rep's weekly nudge, computed as of the send moment: "last week" is the last complete week. */
export function renderRepNudge(input: { report: RepReport; feedbackSubject: string }): SlackMessage {
  const r = input.report;
  const days = weekDays(r.windows, 'last_week');
  const focus = focusLeading(r);
  const outcome = outcomeSections(r, true);
  // While data is stale the nudge asks nothing (askOf) and says when data last arrived.
  const stale = staleDataText(r.dataHealth);

  const blocks: KnownBlock[] = [header(`Your week — last week, ${days}`), context(`${escapeMrkdwn(r.rep.team)}${r.topPerformer ? ' · ★ top performer' : ''}`)];
  if (stale) blocks.push(context(stale));
  if (!r.hasBaseline) blocks.push(section(NO_BASELINE_TEXT));
  for (const l of focus) blocks.push(section(indicatorText(r, l, 'last_week', true)));
  blocks.push(...outcome);
  blocks.push(divider(), fields(resultsFields(r)), context(windowsText(r)), feedbackActions(input.feedbackSubject));

  const f = r.forecast;
  const results = `booked ${money(f.bookedSoFar, r.currency)}${f.target === null ? '' : ` of ${money(f.target, r.currency)}`}, leading forecast ${leadingForecastText(f, r.currency)}`;
  const text = [`Your week, ${days}: ${focus.map((l) => indicatorSummary(r, l, 'last_week')).join('; ')}`, ...outcomeClauses(outcome), staleDataText(r.dataHealth, false)?.replace(/\.$/, '') ?? '', results]
    .filter((s) => s !== '')
    .join('. ');
  return message(text, blocks);
}
