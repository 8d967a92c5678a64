import type { MetricEvent } from './types.js';

/** One lead as assigned to one rep. */
export interface LeadRecord {
  repId: number;
  leadId: string;
  assignedAt: number;
  source: 'inbound' | 'outbound' | null;
  /** The rep's first touch on the lead at or after the assignment. */
  firstTouchAt: number | null;
  /** The rep's first lead_qualified on the lead. */
  qualifiedAt: number | null;
  /** Whether any opportunity_created (by anyone: SDRs hand leads to AEs) names the lead. */
  opportunityAt: number | null;
  eventIds: string[];
}

/**
 * Leads per rep as of `asOf`: the rep's first lead_assigned of each lead, with the rep's first
 * touch after it, the rep's qualification, and the first opportunity opened from the lead.
 */
export function buildLeads(events: readonly MetricEvent[], asOf: number, touchTypes: ReadonlySet<string>): Map<number, LeadRecord[]> {
  const sorted = events.filter((e) => e.leadId !== null && e.at < asOf).sort((a, b) => a.at - b.at);
  const records = new Map<string, LeadRecord>();
  const opportunities = new Map<string, number>();
  const key = (repId: number, leadId: string) => `${repId}\u0000${leadId}`;
  for (const e of sorted) {
    const leadId = e.leadId!;
    if (e.type === 'opportunity_created' && !opportunities.has(leadId)) opportunities.set(leadId, e.at);
    const k = key(e.repId, leadId);
    if (e.type === 'lead_assigned') {
      if (!records.has(k)) {
        records.set(k, { repId: e.repId, leadId, assignedAt: e.at, source: e.leadSource, firstTouchAt: null, qualifiedAt: null, opportunityAt: null, eventIds: [e.id] });
      }
      continue;
    }
    const record = records.get(k);
    if (!record) continue;
    if (touchTypes.has(e.type) && record.firstTouchAt === null) {
      record.firstTouchAt = e.at;
      record.eventIds.push(e.id);
    } else if (e.type === 'lead_qualified' && record.qualifiedAt === null) {
      record.qualifiedAt = e.at;
      record.eventIds.push(e.id);
    }
  }
  const byRep = new Map<number, LeadRecord[]>();
  for (const r of records.values()) {
    r.opportunityAt = opportunities.get(r.leadId) ?? null;
    const list = byRep.get(r.repId);
    if (list) list.push(r);
    else byRep.set(r.repId, [r]);
  }
  return byRep;
}
