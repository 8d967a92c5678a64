/** What both CRMs' mappings produce per record, and the runner's page made from them. */
import type { EventInput } from '../ingest/event-schema.js';
import type { MappedPage } from './types.js';

/** One record mapped: its key and events, or why it was rejected or skipped. */
export interface RecordResult {
  key: string;
  events: EventInput[];
  rejected?: string;
  skipped?: string;
}

/** The page the runner stores: every record's events, rejections with their reason, skips counted by reason. */
export function collect(results: readonly RecordResult[]): MappedPage {
  const page: MappedPage = { events: [], records: [], rejected: [], skipped: {} };
  for (const r of results) {
    page.events.push(...r.events);
    page.records.push({ key: r.key, eventIds: r.events.map((e) => e.id) });
    if (r.rejected !== undefined) page.rejected.push({ id: r.key, reason: r.rejected });
    if (r.skipped !== undefined) page.skipped[r.skipped] = (page.skipped[r.skipped] ?? 0) + 1;
  }
  return page;
}

/** `items` in runs of at most `size` (a CRM's batch and query limits). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
