import { sql } from 'kysely';
import { recordInfosAsOf, recordKey, type RecordInfo, type RecordNameEvent, type RecordRef } from '../metrics/records.js';
import type { SqlRunner } from './client.js';

/**
 * The events up to `asOf` (inclusive, as docs/metrics.md says for names) that carry a name or a link
 * and name one of these deals or leads. Lateral lookups per id walk the (deal, time) and
 * (lead, time) indexes.
 */
export async function recordNameEvents(db: SqlRunner, workspaceId: number, refs: readonly RecordRef[], asOf: Date): Promise<RecordNameEvent[]> {
  const deals = [...new Set(refs.filter((r) => r.kind === 'deal').map((r) => r.id))];
  const leads = [...new Set(refs.filter((r) => r.kind === 'lead').map((r) => r.id))];
  if (deals.length === 0 && leads.length === 0) return [];
  const carries = sql`AND (e.deal_name IS NOT NULL OR e.lead_name IS NOT NULL OR e.account_name IS NOT NULL OR e.url IS NOT NULL) OFFSET 0`;
  const { rows } = await sql<{
    external_id: string;
    occurred_at: Date;
    deal_id: string | null;
    lead_id: string | null;
    deal_name: string | null;
    lead_name: string | null;
    account_name: string | null;
    url: string | null;
  }>`
    SELECT DISTINCT e.external_id, e.occurred_at, e.deal_id, e.lead_id, e.deal_name, e.lead_name, e.account_name, e.url FROM (
      SELECT e.* FROM unnest(${deals}::text[]) AS d(id)
      CROSS JOIN LATERAL (SELECT * FROM activity_event e WHERE e.workspace_id = ${workspaceId} AND e.deal_id = d.id AND e.occurred_at <= ${asOf} ${carries}) e
      UNION ALL
      SELECT e.* FROM unnest(${leads}::text[]) AS l(id)
      CROSS JOIN LATERAL (SELECT * FROM activity_event e WHERE e.workspace_id = ${workspaceId} AND e.lead_id = l.id AND e.occurred_at <= ${asOf} ${carries}) e
    ) e`.execute(db.kysely);
  return rows.map((r) => ({
    id: r.external_id,
    at: new Date(r.occurred_at).getTime(),
    dealId: r.deal_id,
    leadId: r.lead_id,
    dealName: r.deal_name,
    leadName: r.lead_name,
    accountName: r.account_name,
    url: r.url,
  }));
}

/** The names and links of these records as of `asOf`, by recordKey. */
export async function recordInfos(db: SqlRunner, workspaceId: number, refs: readonly RecordRef[], asOf: Date): Promise<Map<string, RecordInfo>> {
  return recordInfosAsOf(refs, await recordNameEvents(db, workspaceId, refs, asOf), asOf.getTime());
}

/** One event of a record, as its page lists it. */
export interface RecordHistoryEvent {
  occurredAt: Date;
  type: string;
  stage: string | null;
  amount: number | null;
  /** The member the event is credited to; null for someone not in the config. */
  repName: string | null;
}

/**
 * A deal's or lead's page up to `asOf`: its name and link, its latest events (newest first) and
 * how many it has in all. Null when no event names it.
 */
export async function recordHistory(
  db: SqlRunner,
  workspaceId: number,
  ref: RecordRef,
  asOf: Date,
  limit: number,
): Promise<{ record: RecordInfo; events: RecordHistoryEvent[]; total: number } | null> {
  const events = db.kysely
    .selectFrom('activity_event as e')
    .where('e.workspace_id', '=', workspaceId)
    .where(ref.kind === 'deal' ? 'e.deal_id' : 'e.lead_id', '=', ref.id)
    .where('e.occurred_at', '<=', asOf);
  const [rows, count] = await Promise.all([
    events
      .select((eb) => [
        'e.occurred_at',
        'e.type',
        'e.stage',
        'e.amount',
        eb.selectFrom('identity as i').innerJoin('member as m', 'm.id', 'i.member_id').select('m.name').whereRef('i.id', '=', 'e.identity_id').as('rep_name'),
      ])
      .orderBy('e.occurred_at', 'desc')
      .orderBy('e.external_id', 'desc')
      .limit(Math.max(1, Math.floor(limit)))
      .execute(),
    events.select(sql<number>`count(*)::int`.as('total')).executeTakeFirst(),
  ]);
  const total = count?.total ?? 0;
  if (total === 0) return null;
  const names = await recordInfos(db, workspaceId, [ref], asOf);
  return {
    record: names.get(recordKey(ref)) ?? { ...ref, name: null, accountName: null, url: null },
    events: rows.map((r) => ({
      occurredAt: new Date(r.occurred_at),
      type: r.type,
      stage: r.stage,
      amount: r.amount === null ? null : Number(r.amount),
      repName: r.rep_name,
    })),
    total,
  };
}
