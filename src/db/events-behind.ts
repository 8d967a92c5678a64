import { recordKey, type RecordInfo, type RecordRef } from '../metrics/records.js';
import type { Database } from './client.js';
import { recordInfos } from './record-names.js';

/** One stored event, as "show the events behind this figure" lists it. */
export interface EventBehind {
  occurredAt: Date;
  type: string;
  leadId: string | null;
  dealId: string | null;
  amount: number | null;
  stage: string | null;
  /** The record the event is about, named as of the caller's `asOf`: its deal when it has one, else its lead. */
  record: RecordInfo | null;
}

/** The deal an event names, else its lead (metrics.md "Events": whose record). */
function recordOf(e: { dealId: string | null; leadId: string | null }): RecordRef | null {
  return e.dealId !== null ? { kind: 'deal', id: e.dealId } : e.leadId !== null ? { kind: 'lead', id: e.leadId } : null;
}

/**
 * Which events make up an indicator (metrics.md): its own type for a cadence, created
 * opportunities for pipeline, the lead trail for lead indicators, stage entries and closes for a
 * stage conversion, closes and deal touches for touches per closed deal. Null for an unknown key.
 */
export function eventFilterFor(key: string, touchTypes: readonly string[]): { sql: string; params: unknown[] } | null {
  if (key.startsWith('cadence.')) return { sql: 'e.type = $X', params: [key.slice('cadence.'.length)] };
  if (key.startsWith('stage_conversion.')) {
    return { sql: "((e.type = 'stage_changed' AND e.stage = $X) OR e.type IN ('deal_won', 'deal_lost'))", params: [key.slice('stage_conversion.'.length)] };
  }
  switch (key) {
    case 'pipeline_created':
      return { sql: "e.type = 'opportunity_created'", params: [] };
    case 'speed_to_lead_hours':
    case 'sla_hit_rate':
      return { sql: "e.lead_id IS NOT NULL AND (e.type = 'lead_assigned' OR e.type = ANY($X))", params: [[...touchTypes]] };
    case 'qualification_rate':
    case 'opportunity_rate':
      return { sql: "e.lead_id IS NOT NULL AND e.type IN ('lead_assigned', 'lead_qualified', 'opportunity_created')", params: [] };
    case 'touches_per_closed_deal':
      return { sql: "e.deal_id IS NOT NULL AND (e.type IN ('deal_won', 'deal_lost') OR e.type = ANY($X))", params: [[...touchTypes]] };
    default:
      return null;
  }
}

/**
 * The latest events of a member behind an indicator in [from, to), and how many there are in all;
 * each with its deal or lead named as of `asOf`.
 */
export async function eventsBehind(
  db: Database,
  input: { workspaceId: number; memberId: number; key: string; touchTypes: readonly string[]; from: Date; to: Date; limit: number; asOf: Date },
): Promise<{ events: EventBehind[]; total: number } | null> {
  const filter = eventFilterFor(input.key, input.touchTypes);
  if (!filter) return null;
  const base = [input.workspaceId, input.memberId, input.from, input.to];
  const where = filter.sql.replaceAll('$X', `$${base.length + 1}`);
  const sql = `FROM activity_event e JOIN identity i ON i.id = e.identity_id
    WHERE i.member_id = $2 AND e.workspace_id = $1 AND e.occurred_at >= $3 AND e.occurred_at < $4 AND ${where}`;
  const params = [...base, ...filter.params];
  const [rows, count] = await Promise.all([
    db.query<{ occurred_at: Date; type: string; lead_id: string | null; deal_id: string | null; amount: string | null; stage: string | null }>(
      `SELECT e.occurred_at, e.type, e.lead_id, e.deal_id, e.amount::text AS amount, e.stage ${sql} ORDER BY e.occurred_at DESC, e.id DESC LIMIT ${Math.max(1, Math.floor(input.limit))}`,
      params,
    ),
    db.query<{ total: number }>(`SELECT count(*)::int AS total ${sql}`, params),
  ]);
  const refs = rows.flatMap((r) => recordOf({ dealId: r.deal_id, leadId: r.lead_id }) ?? []);
  const names = await recordInfos(db, input.workspaceId, refs, input.asOf);
  return {
    events: rows.map((r) => {
      const ref = recordOf({ dealId: r.deal_id, leadId: r.lead_id });
      return {
        occurredAt: new Date(r.occurred_at),
        type: r.type,
        leadId: r.lead_id,
        dealId: r.deal_id,
        amount: r.amount === null ? null : Number(r.amount),
        stage: r.stage,
        record: ref && (names.get(recordKey(ref)) ?? null),
      };
    }),
    total: count[0]?.total ?? 0,
  };
}
