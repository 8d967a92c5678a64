/**
 * The sandbox's stand-in for a CRM record page (`/crm/deals/<id>`, `/crm/leads/<id>`): what the
 * seeded record links open. A small self-contained HTML page with the record's name, account
 * and events. Pure; every value is HTML-escaped (names come from ingested events).
 */
import type { RecordHistoryEvent } from '../db/record-names.js';
import type { RecordInfo } from '../metrics/records.js';
import { escapeHtml } from './block-kit-html.js';

/** The page may load nothing at all: it has no scripts, styles inline only. */
export const CRM_PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const when = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
const money = (n: number) => new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 }).format(n);

function eventRow(e: RecordHistoryEvent): string {
  const what = [e.type.replace(/_/g, ' '), e.stage === null ? '' : `→ ${e.stage}`, e.amount === null ? '' : money(e.amount)].filter((p) => p !== '').join(' ');
  return `<tr><td>${escapeHtml(when(e.occurredAt))}</td><td>${escapeHtml(what)}</td><td>${escapeHtml(e.repName ?? '—')}</td></tr>`;
}

export function renderCrmPage(input: { record: RecordInfo; events: readonly RecordHistoryEvent[]; total: number }): string {
  const { record } = input;
  const title = record.name ?? `${record.kind === 'deal' ? 'Deal' : 'Lead'} ${record.id}`;
  const more = input.total > input.events.length ? `<p>${input.total - input.events.length} older events not shown.</p>` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} · Sandbox CRM</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:48rem}td,th{padding:.25rem .75rem;text-align:left}dt{font-weight:600}</style></head>
<body><p>Sandbox CRM · ${record.kind === 'deal' ? 'Deal' : 'Lead'}</p>
<h1>${escapeHtml(title)}</h1>
<dl><dt>Account</dt><dd>${escapeHtml(record.accountName ?? '—')}</dd><dt>Id</dt><dd>${escapeHtml(record.id)}</dd></dl>
<h2>Events (${input.total})</h2>
<table><thead><tr><th>When</th><th>What</th><th>Rep</th></tr></thead><tbody>
${input.events.map(eventRow).join('\n')}
</tbody></table>${more}
</body></html>
`;
}
