import type { ActionsBlock, KnownBlock } from '@slack/types';
import { isActivityIndicator } from '../../metrics/indicators.js';
import type { RepReport } from '../../reports/types.js';
import { jsonButtonValue } from './alert.js';
import { LENGTH_BUDGET } from './budgets.js';
import { leadSection, rampText, repHeadline } from './ask.js';
import { staleDataText } from './data-health.js';
import { figureText, weekDays } from './format.js';
import { actions, button, context, header, message, section, type SlackMessage } from './kit.js';
import { visibleLength } from './visible-text.js';
import { comparedText, firstName, focusLeading, focusLine, lastWeekValue, lastWeekWin, NO_BASELINE_TEXT, onPaceCount, teamText } from './rep-view.js';

/**
 * The weekly nudge a rep gets early in the new week: a nudge, not a report. The greeting and the
 * one ask (this week's goal, src/reports/ask.ts) or the recognition first; last week's win if
 * there was one; one line per focus indicator; a button to the dashboard, which has the rest.
 */

export const FEEDBACK_BLOCK = 'feedback';
export const OPEN_DASHBOARD_ACTION = 'open_dashboard';

/** "Useful / not useful" on a weekly message; `subject` names what was rated (e.g. "rep_nudge:2026-W47"). */
export function feedbackActions(subject: string): ActionsBlock {
  const value = jsonButtonValue('subject', subject);
  return {
    ...actions([button({ text: '👍 Useful', actionId: 'feedback_useful', value }), button({ text: '👎 Not useful', actionId: 'feedback_not_useful', value })]),
    block_id: FEEDBACK_BLOCK,
  };
}

/** A focus line with, for a count, last week's figure: the nudge's context for this week. */
function nudgeLine(r: RepReport, l: RepReport['leading'][number], lastWeek: boolean): string {
  const line = focusLine(r, l);
  return lastWeek && isActivityIndicator(l.key) ? `${line} · ${figureText(l.key, lastWeekValue(r, l), r.currency)} last week` : line;
}

/**
 * What the nudge leaves out, a step at a time, when long names or labels would take it over its
 * budget: last week's figure on each count, last week's win, then what the figures are compared
 * with. The greeting, the ask, each focus indicator's line and the buttons always stay.
 */
const DETAIL = [
  { lastWeek: true, win: true, compared: true },
  { lastWeek: false, win: true, compared: true },
  { lastWeek: false, win: false, compared: true },
  { lastWeek: false, win: false, compared: false },
] as const;

/**
 * The rep's weekly nudge, computed as of the send moment: "last week" is the last complete week;
 * within LENGTH_BUDGET.nudge. `appHomeUrl` links the dashboard (null: no button). The notification
 * text is the headline: the ask or the recognition, else the stale-data line, the ramp, or how
 * many focus indicators are on pace.
 */
export function renderRepNudge(input: { report: RepReport; feedbackSubject: string; appHomeUrl: string | null }): SlackMessage {
  const r = input.report;
  const days = weekDays(r.windows, 'this_week');
  const lead = leadSection(r, true);
  const win = lastWeekWin(r);
  // While data is stale the nudge asks nothing (askOf) and says when data last arrived.
  const stale = staleDataText(r.dataHealth);

  const render = (detail: (typeof DETAIL)[number]): KnownBlock[] => {
    const blocks: KnownBlock[] = [header(`👋 Hi ${firstName(r)} — your week of ${days}`)];
    if (stale) blocks.push(context(stale));
    if (lead) blocks.push(lead);
    if (r.ramp) blocks.push(section(rampText(r.ramp)));
    if (win && detail.win) blocks.push(section(win));
    if (!r.hasBaseline) blocks.push(section(NO_BASELINE_TEXT));
    blocks.push(
      section(
        focusLeading(r)
          .map((l) => nudgeLine(r, l, detail.lastWeek))
          .join('\n'),
      ),
      context(detail.compared ? `${teamText(r)} · ${comparedText(r)}` : teamText(r)),
    );
    if (input.appHomeUrl) blocks.push(actions([button({ text: 'Open dashboard', actionId: OPEN_DASHBOARD_ACTION, url: input.appHomeUrl, style: 'primary' })]));
    blocks.push(feedbackActions(input.feedbackSubject));
    return blocks;
  };
  let blocks = render(DETAIL[0]);
  for (const detail of DETAIL.slice(1)) {
    if (visibleLength(blocks) <= LENGTH_BUDGET.nudge) break;
    blocks = render(detail);
  }
  return message(repHeadline(r, true) ?? `Your week of ${days}: ${onPaceCount(r)}`, blocks);
}
