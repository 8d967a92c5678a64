import type { Button } from '@slack/types';
import type { RecordJson } from '../../reports/types.js';
import { button } from './kit.js';
import { clip, escapeMrkdwn } from './limits.js';

/** docs/metrics.md "Events" (rev 2): messages show a record's name clipped to this many characters. */
export const MAX_RECORD_NAME = 60;

/** A link to the record's page; Slack opens it, Pacer only acknowledges the click. */
export const OPEN_RECORD_ACTION = 'open_record';

/** A deal or lead as messages name it: its name clipped to 60 characters, else `fallback` (its id); escaped for mrkdwn. */
export function recordText(record: RecordJson | null, fallback: string): string {
  return escapeMrkdwn(record?.name ? clip(record.name, MAX_RECORD_NAME) : clip(fallback, 100));
}

/** "Open in CRM" when the record has a link (ingestion accepts only http(s) links). */
export function recordButton(record: RecordJson | null): Button[] {
  return record?.url ? [button({ text: 'Open in CRM', actionId: OPEN_RECORD_ACTION, url: record.url })] : [];
}

/** The record's name as a mrkdwn link to its page when it has one, else its name (or id) alone. */
export function recordLink(record: RecordJson): string {
  const text = recordText(record, record.id);
  if (!record.url) return text;
  // Inside <url|text> Slack reads "|" and ">" as the token's syntax; escape what the URL may hold.
  const url = record.url.replace(/&/g, '&amp;').replace(/</g, '%3C').replace(/>/g, '%3E').replace(/\|/g, '%7C');
  return `<${url}|${text.replace(/\|/g, '¦')}>`;
}
