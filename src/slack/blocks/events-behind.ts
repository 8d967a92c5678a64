import type { KnownBlock, ModalView } from '@slack/types';
import { formatValue } from '../../reports/text.js';
import type { RecordJson } from '../../reports/types.js';
import { intervalDays, localMoment, money, slackDate } from './format.js';
import { context, header, plain, section } from './kit.js';
import { clip, escapeMrkdwn, MAX_MODAL_TITLE } from './limits.js';
import { recordLink } from './record.js';

/** One stored event as the modal lists it; `occurredAt` is ISO 8601 with an offset. */
export interface EventBehindItem {
  occurredAt: string;
  type: string;
  leadId: string | null;
  dealId: string | null;
  amount: number | null;
  stage: string | null;
  /** Its deal when it has one, else its lead, with the name and link as of now. */
  record: RecordJson | null;
}

/** The most events listed: the latest ones, which a rep can still recognise. */
export const MAX_EVENTS_SHOWN = 40;
/** Event lines per section: keeps each section far below 3,000 characters. */
const EVENTS_PER_SECTION = 10;

const plainNumber = (n: number) => new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 }).format(n);

function eventLine(e: EventBehindItem, currency: string | undefined): string {
  const parts = [
    slackDate(e.occurredAt, '{date_short} {time}', localMoment(e.occurredAt)),
    `*${escapeMrkdwn(clip(e.type.replace(/_/g, ' '), 60))}*`,
    e.leadId === null ? '' : `lead ${e.dealId === null && e.record ? recordLink(e.record) : escapeMrkdwn(clip(e.leadId, 80))}`,
    e.dealId === null ? '' : `deal ${e.record ? recordLink(e.record) : escapeMrkdwn(clip(e.dealId, 80))}`,
    e.stage === null ? '' : `stage ${escapeMrkdwn(clip(e.stage, 60))}`,
    e.amount === null ? '' : currency === undefined ? plainNumber(e.amount) : money(e.amount, currency),
  ];
  return parts.filter((p) => p !== '').join(' · ');
}

/**
 * "Events behind this": the events a figure is made of, so every number can be traced (docs/architecture.md "Principles").
 * The latest 40 (newest first), times in the reader's own zone, and how many more there are.
 * With `key` and `currency` the value and amounts are formatted as in the report.
 */
export function renderEventsBehind(input: {
  label: string;
  repName: string;
  window: { start: string; end: string };
  value: number | null;
  events: readonly EventBehindItem[];
  total: number;
  key?: string;
  currency?: string;
}): ModalView {
  const shown = [...input.events].sort((a, b) => Date.parse(b.occurredAt) - Date.parse(a.occurredAt)).slice(0, MAX_EVENTS_SHOWN);
  const value = input.value === null ? null : input.key !== undefined && input.currency !== undefined ? formatValue(input.key, input.value, input.currency) : plainNumber(input.value);
  const blocks: KnownBlock[] = [
    header(input.label),
    section(`*${escapeMrkdwn(input.repName)}* · ${intervalDays(input.window)}${value === null ? '' : ` · *${value}*`}`),
    context(`${input.total} event${input.total === 1 ? '' : 's'} in these weeks${input.total > shown.length ? `; the ${shown.length} latest below` : ''}.`),
  ];
  if (shown.length === 0) blocks.push(section('No events in these weeks.'));
  for (let i = 0; i < shown.length; i += EVENTS_PER_SECTION) {
    blocks.push(
      section(
        shown
          .slice(i, i + EVENTS_PER_SECTION)
          .map((e) => eventLine(e, input.currency))
          .join('\n'),
      ),
    );
  }
  const more = input.total - shown.length;
  if (more > 0) blocks.push(context(`${more} more not shown.`));
  return { type: 'modal', title: plain('Events behind this', MAX_MODAL_TITLE), close: plain('Close', MAX_MODAL_TITLE), blocks };
}
