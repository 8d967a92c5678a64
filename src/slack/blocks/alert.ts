import type { ActionsBlock, Button, KnownBlock, StaticSelect } from '@slack/types';
import type { AlertRule } from '../../metrics/rules.js';
import { ALERT_RULE_WORDS } from '../../reports/labels.js';
import type { AlertJson, RecordJson } from '../../reports/types.js';
import { stripEmphasis } from './as-text.js';
import { compactMoney, slackDate } from './format.js';
import { button, context, divider, message, option, plain, section, type SlackMessage } from './kit.js';
import { clip, escapeMrkdwn, MAX_BUTTON_VALUE } from './limits.js';
import { MAX_RECORD_NAME, recordButton, recordText } from './record.js';

/**
 * Behaviour alerts, sent privately to the rep (docs/metrics.md "Negative behaviours"): per alert, what
 * was found about which deal or lead (by name, never an internal id) with its numbers, one concrete
 * thing to do, and its own buttons — open the record, done, snooze, dismiss, 👍/👎. The alerts one
 * scan finds for a rep arrive as one message. Worded as a nudge from a coach: the rep can still fix
 * it, and only the rep and their manager see it.
 */

/** Alerts in one message: each takes up to four blocks (divider, text, actions, a note after a click), within Slack's 50. */
export const MAX_ALERTS_PER_MESSAGE = 10;

/** The block_id of the i-th alert's actions: distinct per alert, so a click replaces only that alert's buttons. */
export const alertActionsBlockId = (i: number) => `alert_actions:${i}`;
/** The note a feedback click adds under an alert's actions (one per alert, replaced by the next). */
export const alertNoteBlockId = (actionsBlockId: string) => `${actionsBlockId}:note`;

export const ALERT_SNOOZE_ACTION = 'alert_snooze';
export const ALERT_USEFUL_ACTION = 'alert_useful';
export const ALERT_NOT_USEFUL_ACTION = 'alert_not_useful';
export const ALERT_PAUSE_UNDO_ACTION = 'alert_pause_undo';

/** The snooze menu: label, option value, and the snooze it asks for. */
const SNOOZES = [
  { label: '1 day', value: '1d', snooze: 'snooze_1d' },
  { label: '1 week', value: '1w', snooze: 'snooze_1w' },
] as const;

/** The snooze a menu option asks for; undefined for a value the menu never offers. */
export const snoozeOfOption = (value: string): 'snooze_1d' | 'snooze_1w' | undefined => SNOOZES.find((s) => s.value === value)?.snooze;

/** Who sees an alert (docs/architecture.md "Principles": individual gaps go only to the rep and their manager). */
export const ALERT_FOOTER = '🔒 Sent only to you; your manager sees open alerts in the weekly digest.';

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

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** `words` with its first letter upper-cased when it starts a sentence. */
const start = (words: string, capital: boolean) => (capital ? `${words.charAt(0).toUpperCase()}${words.slice(1)}` : words);

/** The account's name (clipped, escaped) unless the record's own name already says it ("Acme — 40 seats"). */
function accountOf(r: RecordJson | null): string | null {
  if (!r?.accountName) return null;
  if (r.name?.toLowerCase().includes(r.accountName.toLowerCase())) return null;
  return escapeMrkdwn(clip(r.accountName, MAX_RECORD_NAME));
}

/** A lead as the rep knows it: "Jo Park (Acme Logistics)"; with no name, "a new lead at Acme Logistics" (`what` for "new lead"). Name and phrase in bold when `bold`. */
function leadSubject(r: RecordJson | null, what: string, o: { capital: boolean; bold: boolean }): string {
  const b = o.bold ? '*' : '';
  const account = accountOf(r);
  if (r?.name) return `${b}${recordText(r, '')}${b}${account ? ` (${account})` : ''}`;
  return `${b}${start('a', o.capital)} ${what}${account ? ` at ${account}` : ''}${b}`;
}

/** A deal as the rep knows it: "Acme Logistics — 40 seats ($24K)"; with no name, "a $24K deal at Acme", "a deal". */
function dealSubject(r: RecordJson | null, amount: number | null, currency: string, o: { capital: boolean; bold: boolean }): string {
  const b = o.bold ? '*' : '';
  const account = accountOf(r);
  const money = amount === null ? null : compactMoney(amount, currency);
  if (r?.name) {
    const extra = [account, money].filter((x) => x !== null);
    return `${b}${recordText(r, '')}${b}${extra.length ? ` (${extra.join(', ')})` : ''}`;
  }
  return `${b}${start('a', o.capital)} ${money ? `${money} ` : ''}deal${account ? ` at ${account}` : ''}${b}`;
}

/** A missed follow-up's record after "your meeting": "for <deal>" or "with <lead>". */
const meetingRecord = (a: AlertJson, currency: string, bold: boolean) =>
  a.record?.kind === 'deal' ? `for ${dealSubject(a.record, null, currency, { capital: false, bold })}` : `with ${leadSubject(a.record, 'lead', { capital: false, bold })}`;

/** Hours as a reader counts them: "30 hours", past two days "5 days". */
const duration = (hours: number) => (hours < 48 ? plural(hours, 'hour') : plural(Math.floor(hours / 24), 'day'));

/** The meeting or demo of a missed follow-up ("demo"), as the rule saw its type. */
const meetingType = (a: AlertJson) => escapeMrkdwn(clip(typeof a.detail.meetingType === 'string' ? a.detail.meetingType.replace(/_/g, ' ') : 'meeting', 40));

const ACTIVITY_NOUNS: Record<string, [string, string]> = {
  call: ['call', 'calls'],
  email: ['email', 'emails'],
  meeting: ['meeting', 'meetings'],
  demo: ['demo', 'demos'],
  social_touch: ['social touch', 'social touches'],
  proposal_sent: ['proposal', 'proposals'],
};

/** "1 call", "13 calls"; a team's own touch type ("site_visit") reads as words. */
function activityNoun(type: string, n: number): string {
  const words = ACTIVITY_NOUNS[type];
  const one = escapeMrkdwn(clip(words?.[0] ?? type.replace(/_/g, ' '), 40));
  return n === 1 ? one : words ? words[1] : `${one}s`;
}

/** An instant as a Slack date token (`format`), read in the reader's zone; the fallback is in `timezone`. */
function when(iso: string, timezone: string, format: string): string {
  const fallback = new Intl.DateTimeFormat('en-US', { timeZone: timezone, weekday: 'short', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(
    new Date(iso),
  );
  return slackDate(iso, format, fallback);
}

/** An alert in words: `title` names the record and what is wrong, `detail` gives the numbers, `advice` the one thing to do. */
interface AlertWords {
  emoji: string;
  title: string;
  detail: string | null;
  advice: string;
}

/** `capital`: the title starts a sentence. */
function alertWords(a: AlertJson, currency: string, timezone: string, capital = true): AlertWords {
  switch (a.rule) {
    case 'untouched_lead': {
      const hours = num(a, 'hoursSinceAssigned');
      const sla = num(a, 'slaHours');
      const source = a.detail.leadSource === 'inbound' || a.detail.leadSource === 'outbound' ? ` (${a.detail.leadSource})` : '';
      const clauses = [hours === null ? null : `assigned ${duration(hours)} ago${source}`, sla === null ? null : `past the ${sla}-hour SLA`].filter((x) => x !== null);
      return {
        emoji: '🕑',
        title: `${leadSubject(a.record, 'new lead', { capital, bold: true })} is waiting for a first touch`,
        detail: clauses.length ? clauses.join(', ') : null,
        advice: 'Call or email today: a first touch now still helps.',
      };
    }
    case 'stalled_deal': {
      const days = num(a, 'daysSinceActivity');
      return {
        emoji: '⏸️',
        title: `${dealSubject(a.record, num(a, 'amount'), currency, { capital, bold: true })} has gone quiet`,
        detail: days === null ? null : `no touch or stage change in ${plural(days, 'day')}`,
        advice: 'Send a short check-in on the next step you agreed; if it has moved on, update its stage.',
      };
    }
    case 'missed_follow_up': {
      const meetingAt = typeof a.detail.meetingAt === 'string' && !Number.isNaN(Date.parse(a.detail.meetingAt)) ? a.detail.meetingAt : null;
      const hours = num(a, 'followUpHours');
      const ago = hours === null ? '' : `, over ${plural(hours, 'hour')} ago`;
      return {
        emoji: '📨',
        title: `${start('no', capital)} follow-up yet after your ${meetingType(a)} ${meetingRecord(a, currency, true)}`,
        detail: meetingAt === null ? (hours === null ? null : `none in the ${plural(hours, 'hour')} since`) : `it was on ${when(meetingAt, timezone, '{date_short} at {time}')}${ago}`,
        advice: 'Send a recap with the next step, today if you can.',
      };
    }
    case 'activity_drop': {
      const mean = num(a, 'previousMean');
      const lastWeek = num(a, 'lastWeek');
      const weeks = num(a, 'weeks');
      const usual = mean === null ? null : Number(mean.toFixed(1));
      const before = weeks === null ? '' : weeks === 1 ? ' over the week before' : ` over the ${weeks} weeks before`;
      // This week's goal when the rep has one on this activity (the number every other message asks for), else the usual week.
      const goal = num(a, 'weekGoal');
      const plan = goal ?? (mean === null ? null : Math.ceil(mean));
      return {
        emoji: '📉',
        title: `${start('fewer', capital)} ${activityNoun(a.subject, 2)} last week`,
        detail: lastWeek === null ? null : `${lastWeek}, against your usual ${usual ?? '—'} a week${usual === null ? '' : before}`,
        advice:
          plan === null
            ? `Plan this week’s ${activityNoun(a.subject, 2)} and put the first ones in your calendar today.`
            : `Plan ${plan} ${activityNoun(a.subject, plan)} this week, ${goal === null ? 'your usual week' : 'your goal'}, and put the first ones in your calendar today.`,
      };
    }
  }
}

/** The finding in one line of mrkdwn: what, about which record, with its numbers. */
export function alertHeadline(a: AlertJson, currency: string, timezone: string): string {
  const w = alertWords(a, currency, timezone);
  return `${w.emoji} ${w.title}${w.detail ? `: ${w.detail}` : ''}.`;
}

/** The alert in a few words with its numbers, for a manager's list of a rep's open alerts. */
export function alertBrief(a: AlertJson, currency: string): string {
  const plain = { capital: false, bold: false };
  switch (a.rule) {
    case 'untouched_lead': {
      const hours = num(a, 'hoursSinceAssigned');
      const sla = num(a, 'slaHours');
      return `${leadSubject(a.record, 'new lead', plain)} untouched for ${hours === null ? '—' : duration(hours)}${sla === null ? '' : ` (SLA ${plural(sla, 'hour')})`}`;
    }
    case 'stalled_deal': {
      const days = num(a, 'daysSinceActivity');
      return `${dealSubject(a.record, num(a, 'amount'), currency, plain)} quiet for ${days === null ? '—' : plural(days, 'day')}`;
    }
    case 'missed_follow_up':
      return `no follow-up after the ${meetingType(a)} ${meetingRecord(a, currency, false)}`;
    case 'activity_drop': {
      const mean = num(a, 'previousMean');
      return `${activityNoun(a.subject, 2)} down to ${num(a, 'lastWeek') ?? '—'} last week from ${mean === null ? '—' : Number(mean.toFixed(1))} a week`;
    }
  }
}

export interface AlertItem {
  alert: AlertJson;
  /** Back after a snooze: it says so, and offers no snooze, since a snoozed alert comes back only once. */
  returning: boolean;
}

function snoozeSelect(): StaticSelect {
  return {
    type: 'static_select',
    action_id: ALERT_SNOOZE_ACTION,
    placeholder: plain('Snooze…', 150),
    options: SNOOZES.map((s) => option(s.label, s.value)),
  };
}

/**
 * The alert's buttons: open the record (when it has a link), done, snooze (not when back from a
 * snooze), dismiss, and 👍/👎 on whether it helped. The key rides in each button's value; the
 * snooze menu's options only say for how long (an option value holds 150 characters, a key may
 * hold more), and the handler reads the key from a button of the same block.
 */
function alertActions(item: AlertItem, blockId: string): ActionsBlock {
  const value = jsonButtonValue('key', item.alert.key);
  const open = recordButton(item.alert.record).map((b): Button => ({ ...b, style: 'primary' }));
  const elements = [
    ...open,
    button({ text: 'Done', actionId: 'alert_done', value, ...(open.length ? {} : { style: 'primary' as const }) }),
    ...(item.returning ? [] : [snoozeSelect()]),
    button({ text: 'Dismiss', actionId: 'alert_dismiss', value }),
    { ...button({ text: '👍', actionId: ALERT_USEFUL_ACTION, value }), accessibility_label: 'Useful alert' },
    { ...button({ text: '👎', actionId: ALERT_NOT_USEFUL_ACTION, value }), accessibility_label: 'Not useful: fewer alerts like this' },
  ];
  // kit.actions takes buttons only; the snooze menu sits among them.
  return { type: 'actions', block_id: blockId, elements };
}

/** One alert's blocks: the finding and what to do, then its own actions. */
function alertItemBlocks(item: AlertItem, i: number, currency: string, timezone: string): KnownBlock[] {
  const w = alertWords(item.alert, currency, timezone);
  const back = item.returning ? '\n🔁 _Back after your snooze; it won’t come back after this._' : '';
  return [section(`${alertHeadline(item.alert, currency, timezone)}\n👉 ${w.advice}${back}`), alertActions(item, alertActionsBlockId(i))];
}

/** Mrkdwn for a notification: no emphasis, dates as their fallback text. */
const notificationText = (mrkdwn: string) => stripEmphasis(mrkdwn).replace(/<!date\^[^|>]*\|([^>]*)>/g, '$1');

/** The notification line: the alert's finding, or "2 things to act on today: …" naming each. */
function headlineText(items: readonly AlertItem[], currency: string, timezone: string): string {
  const [only] = items;
  if (items.length === 1 && only) {
    const w = alertWords(only.alert, currency, timezone, !only.returning);
    return notificationText(`${only.returning ? 'Back after your snooze: ' : ''}${w.title}${w.detail ? `: ${w.detail}` : ''}.`);
  }
  return notificationText(`${items.length} things to act on today: ${items.map((it) => alertWords(it.alert, currency, timezone, false).title).join('; ')}`);
}

/**
 * The alerts one scan found for a rep, as one DM (at most MAX_ALERTS_PER_MESSAGE; the scan sends
 * the rest later, so it never asks for more). Times read in the reader's own zone in Slack, and in the rep's `timezone`
 * wherever Slack shows the fallback.
 */
export function renderBehaviourAlerts(input: { items: readonly AlertItem[]; currency: string; timezone: string }): SlackMessage {
  const { items } = input;
  if (items.length === 0 || items.length > MAX_ALERTS_PER_MESSAGE) throw new Error(`renderBehaviourAlerts: ${items.length} alerts; a message holds 1 to ${MAX_ALERTS_PER_MESSAGE}`);
  const head = items.length > 1 ? [section(`*${items.length} things to act on today*`)] : [];
  // A divider between alerts keeps each one's buttons with its own text.
  const body = items.flatMap((item, i) => [...(i > 0 ? [divider()] : []), ...alertItemBlocks(item, i, input.currency, input.timezone)]);
  const blocks = [...head, ...body, context(ALERT_FOOTER)];
  return message(headlineText(items, input.currency, input.timezone), blocks);
}

/**
 * The value of the alert buttons in the actions block `blockId` of a message Slack sent back with
 * a click (`{"key":…}`): where the snooze menu finds its alert's key. Undefined when there is none.
 */
export function alertValueInBlock(blocks: readonly unknown[] | undefined, blockId: string): string | undefined {
  for (const b of blocks ?? []) {
    const block = b as { type?: unknown; block_id?: unknown; elements?: unknown };
    if (block.type !== 'actions' || block.block_id !== blockId || !Array.isArray(block.elements)) continue;
    for (const e of block.elements as { type?: unknown; action_id?: unknown; value?: unknown }[]) {
      if (e.type === 'button' && typeof e.action_id === 'string' && e.action_id.startsWith('alert_') && typeof e.value === 'string') return e.value;
    }
  }
  return undefined;
}

const FEEDBACK_ACTIONS: readonly string[] = [ALERT_USEFUL_ACTION, ALERT_NOT_USEFUL_ACTION];

/** A pause in the rep's reading: "until <date>", shown in the reader's zone by Slack. */
const untilText = (until: Date) => slackDate(until.toISOString(), '{date_short_pretty}', new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', month: 'short', day: 'numeric' }).format(until));

/**
 * An alert message after a 👍/👎 on the alert whose actions are `actionsBlockId`: that alert's
 * 👍/👎 give way to a note under its actions (replacing an earlier one), which says what the click
 * did — and when it paused the rule, until when, with an Undo. Other alerts are left as they are.
 */
export function withAlertFeedback(blocks: readonly KnownBlock[], actionsBlockId: string, feedback: { useful: boolean; rule: AlertRule; pause: { until: Date } | null }): KnownBlock[] {
  const words = ALERT_RULE_WORDS[feedback.rule];
  const noteId = alertNoteBlockId(actionsBlockId);
  const note: KnownBlock = feedback.pause
    ? {
        ...section(
          `⏸️ *Paused:* Pacer won’t send you ${words} alerts until ${untilText(feedback.pause.until)}.`,
          button({ text: 'Undo', actionId: ALERT_PAUSE_UNDO_ACTION, value: JSON.stringify({ rule: feedback.rule, until: feedback.pause.until.toISOString() }) }),
        ),
        block_id: noteId,
      }
    : {
        ...context(feedback.useful ? '👍 Thanks, noted.' : `👎 Noted. Two 👎 on ${words} alerts within 30 days pause them for you for 30 days.`),
        block_id: noteId,
      };
  const out: KnownBlock[] = [];
  for (const b of blocks) {
    if (b.block_id === noteId) continue;
    if (b.type === 'actions' && b.block_id === actionsBlockId) {
      out.push({ ...b, elements: b.elements.filter((e) => !('action_id' in e && FEEDBACK_ACTIONS.includes(e.action_id ?? ''))) }, note);
      continue;
    }
    out.push(b);
  }
  return out.includes(note) ? out : [...out, note];
}

/** An alert message after Undo on a pause note (`noteBlockId`): the note says whether the rule is back on. */
export function withPauseUndone(blocks: readonly KnownBlock[], noteBlockId: string, rule: AlertRule, undone: boolean): KnownBlock[] {
  const note: KnownBlock = {
    ...context(undone ? `▶️ Resumed: ${ALERT_RULE_WORDS[rule]} alerts are back on.` : 'This pause had already ended or been undone.'),
    block_id: noteBlockId,
  };
  return blocks.map((b) => (b.block_id === noteBlockId ? note : b));
}
