import { sql, type RawBuilder } from 'kysely';
import { recordKey, type RecordInfo, type RecordRef } from '../metrics/records.js';
import type { SqlRunner } from './client.js';
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

/** The deal an event names, else its lead (docs/metrics.md "Events": whose record). */
function recordOf(e: { dealId: string | null; leadId: string | null }): RecordRef | null {
  return e.dealId !== null ? { kind: 'deal', id: e.dealId } : e.leadId !== null ? { kind: 'lead', id: e.leadId } : null;
}

/**
 * Which events make up an indicator (docs/metrics.md): its own type for a cadence, created
 * opportunities for pipeline, the lead trail for lead indicators, stage entries and closes for a
 * stage conversion, closes and deal touches for touches per closed deal. Null for an unknown key.
 */
export function eventFilterFor(key: string, touchTypes: readonly string[]): RawBuilder<boolean> | null {
  const touch = sql<boolean>`e.type = ANY(${[...touchTypes]}::text[])`;
  if (key.startsWith('cadence.')) return sql<boolean>`e.type = ${key.slice('cadence.'.length)}`;
  if (key.startsWith('stage_conversion.')) {
    return sql<boolean>`((e.type = 'stage_changed' AND e.stage = ${key.slice('stage_conversion.'.length)}) OR e.type IN ('deal_won', 'deal_lost'))`;
  }
  switch (key) {
    case 'pipeline_created':
      return sql<boolean>`e.type = 'opportunity_created'`;
    case 'speed_to_lead_hours':
    case 'sla_hit_rate':
      return sql<boolean>`e.lead_id IS NOT NULL AND (e.type = 'lead_assigned' OR ${touch})`;
    case 'qualification_rate':
    case 'opportunity_rate':
      return sql<boolean>`e.lead_id IS NOT NULL AND e.type IN ('lead_assigned', 'lead_qualified', 'opportunity_created')`;
    case 'touches_per_closed_deal':
      return sql<boolean>`e.deal_id IS NOT NULL AND (e.type IN ('deal_won', 'deal_lost') OR ${touch})`;
    default:
      return null;
  }
}

/**
 * The latest events of a member behind an indicator in [from, to), and how many there are in all;
 * each with its deal or lead named as of `asOf`.
 */
export async function eventsBehind(
  db: SqlRunner,
  input: { workspaceId: number; memberId: number; key: string; touchTypes: readonly string[]; from: Date; to: Date; limit: number; asOf: Date },
): Promise<{ events: EventBehind[]; total: number } | null> {
  const filter = eventFilterFor(input.key, input.touchTypes);
  if (!filter) return null;
  const events = db.kysely
    .selectFrom('activity_event as e')
    .innerJoin('identity as i', 'i.id', 'e.identity_id')
    .where('i.member_id', '=', input.memberId)
    .where('e.workspace_id', '=', input.workspaceId)
    .where('e.occurred_at', '>=', input.from)
    .where('e.occurred_at', '<', input.to)
    .where(filter);
  const [rows, count] = await Promise.all([
    events
      .select(['e.occurred_at', 'e.type', 'e.lead_id', 'e.deal_id', 'e.amount', 'e.stage'])
      .orderBy('e.occurred_at', 'desc')
      .orderBy('e.id', 'desc')
      .limit(Math.max(1, Math.floor(input.limit)))
      .execute(),
    events.select(sql<number>`count(*)::int`.as('total')).executeTakeFirst(),
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
    total: count?.total ?? 0,
  };
}
