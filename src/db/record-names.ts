import { recordInfosAsOf, recordKey, type RecordInfo, type RecordNameEvent, type RecordRef } from '../metrics/records.js';
import type { SqlRunner } from './client.js';

/**
 * The events up to `asOf` (inclusive, as metrics.md says for names) that carry a name or a link
 * and name one of these deals or leads. Lateral lookups per id walk the (deal, time) and
 * (lead, time) indexes.
 */
export async function recordNameEvents(db: SqlRunner, workspaceId: number, refs: readonly RecordRef[], asOf: Date): Promise<RecordNameEvent[]> {
  const deals = [...new Set(refs.filter((r) => r.kind === 'deal').map((r) => r.id))];
  const leads = [...new Set(refs.filter((r) => r.kind === 'lead').map((r) => r.id))];
  if (deals.length === 0 && leads.length === 0) return [];
  const carries = 'AND (e.deal_name IS NOT NULL OR e.lead_name IS NOT NULL OR e.account_name IS NOT NULL OR e.url IS NOT NULL) OFFSET 0';
  const rows = await db.query<{
    external_id: string;
    occurred_at: Date;
    deal_id: string | null;
    lead_id: string | null;
    deal_name: string | null;
    lead_name: string | null;
    account_name: string | null;
    url: string | null;
  }>(
    `SELECT DISTINCT e.external_id, e.occurred_at, e.deal_id, e.lead_id, e.deal_name, e.lead_name, e.account_name, e.url FROM (
       SELECT e.* FROM unnest($2::text[]) AS d(id)
       CROSS JOIN LATERAL (SELECT * FROM activity_event e WHERE e.workspace_id = $1 AND e.deal_id = d.id AND e.occurred_at <= $4 ${carries}) e
       UNION ALL
       SELECT e.* FROM unnest($3::text[]) AS l(id)
       CROSS JOIN LATERAL (SELECT * FROM activity_event e WHERE e.workspace_id = $1 AND e.lead_id = l.id AND e.occurred_at <= $4 ${carries}) e
     ) e`,
    [workspaceId, deals, leads, asOf],
  );
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
  const column = ref.kind === 'deal' ? 'deal_id' : 'lead_id';
  const where = `FROM activity_event e WHERE e.workspace_id = $1 AND e.${column} = $2 AND e.occurred_at <= $3`;
  const [rows, count] = await Promise.all([
    db.query<{ occurred_at: Date; type: string; stage: string | null; amount: string | null; rep_name: string | null }>(
      `SELECT e.occurred_at, e.type, e.stage, e.amount::text AS amount,
         (SELECT m.name FROM identity i JOIN member m ON m.id = i.member_id WHERE i.id = e.identity_id) AS rep_name
       ${where} ORDER BY e.occurred_at DESC, e.external_id DESC LIMIT ${Math.max(1, Math.floor(limit))}`,
      [workspaceId, ref.id, asOf],
    ),
    db.query<{ total: number }>(`SELECT count(*)::int AS total ${where}`, [workspaceId, ref.id, asOf]),
  ]);
  const total = count[0]?.total ?? 0;
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
