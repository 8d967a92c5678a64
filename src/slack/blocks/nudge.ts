import type { ActionsBlock, KnownBlock } from '@slack/types';
import { isActivityIndicator } from '../../metrics/indicators.js';
import { indicatorUnit } from '../../reports/labels.js';
import { formatValue } from '../../reports/text.js';
import type { LeadingJson, RepReport } from '../../reports/types.js';
import { jsonButtonValue } from './alert.js';
import { stripEmphasis } from './as-text.js';
import { money, pacePercent, weekDays } from './format.js';
import { actions, button, context, divider, fields, header, message, section, type SlackMessage } from './kit.js';
import { staleDataText } from './data-health.js';
import { escapeMrkdwn } from './limits.js';
import { focusLeading, indicatorSummary, indicatorText, leadingForecastText, NO_BASELINE_TEXT, resultsFields, windowLabel, windowsText } from './rep-view.js';

/**
 * The weekly nudge a rep gets early in the new week: last week on each focus indicator against
 * the top-performer baseline, with its 8-week trend; the one thing to do this week with the
 * number that closes the gap; results and pace to target. It coaches: a gap is a number to close
 * this week, and being on pace everywhere is recognised as such.
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

/** The report's focus suggestion, else the focus indicator with the lowest pace; null with no pace at all. */
function oneThing(r: RepReport, focus: readonly LeadingJson[]): LeadingJson | null {
  const suggested = r.leading.find((l) => l.key === r.focusSuggestion?.key);
  if (suggested) return suggested;
  return [...focus].filter((l) => l.pace !== null).sort((a, b) => a.pace! - b.pace!)[0] ?? null;
}

/**
 * The one thing to do this week. For a count, last week is the yardstick the rep remembers:
 * ⌈baseline − last week⌉ more than last week makes a top-performer week. A rate has no count to
 * add, so it is shown against the top performers' with the pace.
 */
function oneThingText(r: RepReport, l: LeadingJson): string {
  const v = (x: number | null) => formatValue(l.key, x, r.currency);
  const label = escapeMrkdwn(l.label);
  const last = r.trend[l.key]?.at(-1) ?? null;
  if (isActivityIndicator(l.key) && l.baseline !== null && last !== null) {
    const more = Math.ceil(l.baseline - last);
    if (more > 0) {
      const amount = l.key === 'pipeline_created' ? money(more, r.currency) : String(more);
      return `🎯 *This week: ${amount} more ${escapeMrkdwn(indicatorUnit(l.key))} than last week closes the gap* to a top-performer week (${v(last)} last week, top performers ${v(l.baseline)} a week).`;
    }
    return `🎯 *This week: ${label}.* Last week’s ${v(last)} matched a top-performer week (${v(l.baseline)}); another one like it lifts your ${windowLabel(r).toLowerCase()} (${v(l.value)}) toward theirs.`;
  }
  const lower = l.higherIsBetter ? '' : ', lower is better';
  return `🎯 *This week: ${label}* — ${v(l.value)} over the ${windowLabel(r).toLowerCase()} against ${v(l.baseline)} for top performers (${pacePercent(l.pace)} of their level${lower}).`;
}

/** Every focus indicator on pace: recognised, with the paces that show it. */
function onPaceText(r: RepReport, focus: readonly LeadingJson[]): string {
  const paces = focus.map((l) => `${escapeMrkdwn(l.label)} ${formatValue(l.key, l.value, r.currency)} (${pacePercent(l.pace)})`).join(' · ');
  return `🌟 *On pace on every focus indicator* over the ${windowLabel(r).toLowerCase()}: ${paces}. That is how the team’s top performers work. Keep the rhythm going this week.`;
}

/** The rep's weekly nudge, computed as of the send moment: "last week" is the last complete week. */
export function renderRepNudge(input: { report: RepReport; feedbackSubject: string }): SlackMessage {
  const r = input.report;
  const days = weekDays(r.windows, 'last_week');
  const focus = focusLeading(r);
  const onPace = r.hasBaseline && focus.length > 0 && focus.every((l) => l.status === 'on_pace');
  const pick = onPace ? null : oneThing(r, focus);
  // While data is stale the nudge asks nothing and says when data last arrived.
  const stale = staleDataText(r.dataHealth);
  const advice = stale !== null ? null : onPace ? onPaceText(r, focus) : pick ? oneThingText(r, pick) : null;

  const blocks: KnownBlock[] = [header(`Your week — last week, ${days}`), context(`${escapeMrkdwn(r.rep.team)}${r.topPerformer ? ' · ★ top performer' : ''}`)];
  if (stale) blocks.push(context(stale));
  if (!r.hasBaseline) blocks.push(section(NO_BASELINE_TEXT));
  for (const l of focus) blocks.push(section(indicatorText(r, l, 'last_week', true)));
  if (advice) blocks.push(section(advice));
  blocks.push(divider(), fields(resultsFields(r)), context(windowsText(r)), feedbackActions(input.feedbackSubject));

  const f = r.forecast;
  const results = `booked ${money(f.bookedSoFar, r.currency)}${f.target === null ? '' : ` of ${money(f.target, r.currency)}`}, leading forecast ${leadingForecastText(f, r.currency)}`;
  const text = [`Your week, ${days}: ${focus.map((l) => indicatorSummary(r, l, 'last_week')).join('; ')}`, advice ? stripEmphasis(advice).replace(/\.$/, '') : '', staleDataText(r.dataHealth, false)?.replace(/\.$/, '') ?? '', results]
    .filter((s) => s !== '')
    .join('. ');
  return message(text, blocks);
}
