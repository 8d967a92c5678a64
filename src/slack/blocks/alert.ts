import type { ActionsBlock } from '@slack/types';
import { indicatorUnit } from '../../reports/labels.js';
import type { AlertJson } from '../../reports/types.js';
import { money, slackDate } from './format.js';
import { alertText } from './home.js';
import { actions, button, context, message, section, type SlackMessage } from './kit.js';
import { clip, escapeMrkdwn, MAX_BUTTON_VALUE } from './limits.js';
import { recordButton, recordText } from './record.js';

/**
 * One behaviour alert, sent privately to the rep (metrics.md "Negative behaviours"): what was
 * found with its numbers, one concrete thing to do about it, and buttons to snooze, dismiss or
 * mark it done. Worded as a nudge from a coach: the rep can still fix it, and nobody else sees it.
 */

export const ALERT_ACTIONS_BLOCK = 'alert_actions';

/**
 * `JSON.stringify({ [field]: text })` within Slack's 2,000-character button value. `text` is cut
 * by whole code points until its JSON-escaped form fits (a quote or control character costs
 * more than one), so the value is always valid JSON and never holds half an emoji.
 */
export function jsonButtonValue(field: string, text: string): string {
  const room = MAX_BUTTON_VALUE - JSON.stringify({ [field]: '' }).length;
  let used = 0;
  let end = 0;
  for (const ch of text) {
    const cost = JSON.stringify(ch).length - 2;
    if (used + cost > room) break;
    used += cost;
    end += ch.length;
  }
  return JSON.stringify({ [field]: text.slice(0, end) });
}

const num = (a: AlertJson, key: string): number | null => {
  const v = a.detail[key];
  return typeof v === 'number' ? v : null;
};

/** The deal's or lead's name (metrics.md rev 2), else the subject: "lead:L-1" (a missed follow-up's) as "lead L-1". Escaped. */
const subjectText = (a: AlertJson) => recordText(a.record, a.subject.replace(/^(lead|deal):/, '$1 '));

/** An instant as a Slack date token (`format`), read in the reader's zone; the fallback is in the rep's zone. */
function when(iso: string, timezone: string, format: string): string {
  const fallback = new Intl.DateTimeFormat('en-US', { timeZone: timezone, weekday: 'short', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
  return slackDate(iso, format, fallback);
}

/** The one thing to do about the alert, with the numbers that make it concrete. */
function whatToDo(a: AlertJson, currency: string, timezone: string): string {
  const subject = subjectText(a);
  switch (a.rule) {
    case 'untouched_lead':
      return `Give lead ${subject} a first touch today, a call or an email. Top performers reach new leads within the ${num(a, 'slaHours') ?? '—'} h SLA, and every hour still counts.`;
    case 'stalled_deal':
      return `Send a short check-in on deal ${subject} (${money(num(a, 'amount'), currency)}): ask about their timeline or the next step you agreed. If it has moved on, update its stage so the pipeline stays true.`;
    case 'missed_follow_up': {
      const meetingAt = a.detail.meetingAt;
      const at = typeof meetingAt === 'string' && !Number.isNaN(Date.parse(meetingAt)) ? ` on ${when(meetingAt, timezone, '{date_short} at {time}')}` : '';
      return `Send ${subject} a recap of the ${escapeMrkdwn(clip(String(a.detail.meetingType ?? 'meeting'), 40))}${at} with the next step, today if you can.`;
    }
    case 'activity_drop': {
      const mean = num(a, 'previousMean');
      const unit = escapeMrkdwn(indicatorUnit(`cadence.${a.subject}`));
      return mean === null
        ? `Plan this week's ${unit} now and put the first ones in your calendar today.`
        : `Plan ${Math.ceil(mean)} ${unit} this week, your usual week, and put the first ones in your calendar today. One slow week happens; the next one is what counts.`;
    }
  }
}

/** The alert in a few words with its numbers, for a manager's list of a rep's open alerts. */
export function alertBrief(a: AlertJson, currency: string): string {
  const subject = subjectText(a);
  switch (a.rule) {
    case 'untouched_lead':
      return `lead ${subject} untouched for ${num(a, 'hoursSinceAssigned') ?? '—'} h (SLA ${num(a, 'slaHours') ?? '—'} h)`;
    case 'stalled_deal':
      return `deal ${subject} (${money(num(a, 'amount'), currency)}) quiet for ${num(a, 'daysSinceActivity') ?? '—'} days`;
    case 'missed_follow_up':
      return `no follow-up after the ${escapeMrkdwn(clip(String(a.detail.meetingType ?? 'meeting'), 40))} with ${subject}`;
    case 'activity_drop': {
      const mean = num(a, 'previousMean');
      return `${escapeMrkdwn(indicatorUnit(`cadence.${a.subject}`))} down to ${num(a, 'lastWeek') ?? '—'} last week from ${mean === null ? '—' : mean.toFixed(1)} a week`;
    }
  }
}

/** Snooze, dismiss and done; a returning alert offers no snooze, since a snoozed alert comes back only once. */
function alertButtons(a: AlertJson, returning: boolean): ActionsBlock {
  const value = jsonButtonValue('key', a.key);
  const snooze = returning
    ? []
    : [button({ text: 'Snooze 1 day', actionId: 'alert_snooze_1d', value }), button({ text: 'Snooze 1 week', actionId: 'alert_snooze_1w', value })];
  return {
    ...actions([
      ...recordButton(a.record),
      ...snooze,
      button({ text: 'Dismiss', actionId: 'alert_dismiss', value }),
      button({ text: 'Done', actionId: 'alert_done', value, style: 'primary' }),
    ]),
    block_id: ALERT_ACTIONS_BLOCK,
  };
}

/**
 * A behaviour alert as a DM to the rep. `returning` marks an alert back after a snooze: it says
 * so, and offers only dismiss and done. Times read in the reader's own zone in Slack, and in the
 * rep's `timezone` wherever Slack shows the fallback.
 */
export function renderBehaviourAlert(input: { alert: AlertJson; repName: string; currency: string; timezone: string; returning: boolean }): SlackMessage {
  const { alert: a, returning } = input;
  // alertText's first line is the finding with its numbers; its second, the team-local time, is
  // replaced below by the time in the rep's own zone.
  const headline = alertText(a, input.currency).split('\n')[0] ?? '';
  const blocks = [
    section(headline),
    section(`👉 *What to do:* ${whatToDo(a, input.currency, input.timezone)}`),
    context(`Only you see this, ${escapeMrkdwn(clip(input.repName, 100))} · found ${when(a.triggeredAt, input.timezone, '{date_short_pretty} at {time}')}`),
  ];
  if (returning) blocks.push(context('🔁 *Back after your snooze:* it still holds, so here it is once more. It won’t come back after this.'));
  const text = `${returning ? 'Back after your snooze: ' : ''}${headline.replace(/\*([^*\n]+)\*/g, '$1')}`;
  return message(text, [...blocks, alertButtons(a, returning)]);
}
