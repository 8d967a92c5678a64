/**
 * Names and links of deals and leads (docs/metrics.md "Events", rev 2), so that people read names,
 * not ids. Pure: the events come from src/db/record-names.ts.
 */

export type RecordKind = 'deal' | 'lead';

export interface RecordRef {
  kind: RecordKind;
  id: string;
}

/** An event carrying at least one of the optional record fields. */
export interface RecordNameEvent {
  /** The sender's id: breaks ties between events at the same instant. */
  id: string;
  /** Epoch milliseconds. */
  at: number;
  dealId: string | null;
  leadId: string | null;
  dealName: string | null;
  leadName: string | null;
  accountName: string | null;
  url: string | null;
}

/** A record as reports name it: null fields when no event up to `t` carries them. */
export interface RecordInfo extends RecordRef {
  name: string | null;
  accountName: string | null;
  url: string | null;
}

type Field = 'name' | 'accountName' | 'url';

/**
 * What one event says about a record, field by field. `dealName`, `accountName` and `url`
 * describe the deal when the event has a `dealId`, else the lead; `leadName` is always the lead's.
 * So a touch on a deal that also names its lead gives the lead its name but not its link.
 */
function describes(e: RecordNameEvent, ref: RecordRef): Partial<Record<Field, string | null>> {
  if (ref.kind === 'deal') return e.dealId === ref.id ? { name: e.dealName, accountName: e.accountName, url: e.url } : {};
  if (e.leadId !== ref.id) return {};
  return e.dealId === null ? { name: e.leadName, accountName: e.accountName, url: e.url } : { name: e.leadName };
}

/** Later first; at the same instant the higher sender id (compared as strings) wins. */
const later = (a: RecordNameEvent, b: RecordNameEvent) => a.at > b.at || (a.at === b.at && a.id > b.id);

/**
 * A record's name, account and link as of `t`: each from the record's event with the highest
 * `occurredAt` ≤ t that carries it (ties: the highest id). Each field is taken on its own, so a
 * later event that only carries a link does not erase the name an earlier one gave.
 */
export function recordInfoAsOf(ref: RecordRef, events: readonly RecordNameEvent[], t: number): RecordInfo {
  const best: Partial<Record<Field, { value: string; from: RecordNameEvent }>> = {};
  for (const e of events) {
    if (e.at > t) continue;
    const said = describes(e, ref);
    for (const field of ['name', 'accountName', 'url'] as const) {
      const value = said[field];
      if (value === undefined || value === null) continue;
      const current = best[field];
      if (!current || later(e, current.from)) best[field] = { value, from: e };
    }
  }
  return { ...ref, name: best.name?.value ?? null, accountName: best.accountName?.value ?? null, url: best.url?.value ?? null };
}

export const recordKey = (ref: RecordRef) => `${ref.kind}\u0000${ref.id}`;

/** recordInfoAsOf for several records, by recordKey. */
export function recordInfosAsOf(refs: readonly RecordRef[], events: readonly RecordNameEvent[], t: number): Map<string, RecordInfo> {
  const byRecord = new Map<string, RecordNameEvent[]>();
  const add = (key: string, e: RecordNameEvent) => {
    const list = byRecord.get(key);
    if (list) list.push(e);
    else byRecord.set(key, [e]);
  };
  for (const e of events) {
    if (e.dealId !== null) add(recordKey({ kind: 'deal', id: e.dealId }), e);
    if (e.leadId !== null) add(recordKey({ kind: 'lead', id: e.leadId }), e);
  }
  return new Map(refs.map((ref) => [recordKey(ref), recordInfoAsOf(ref, byRecord.get(recordKey(ref)) ?? [], t)]));
}
