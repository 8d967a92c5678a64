import type { MetricEvent } from '../metrics/types.js';
import type { SqlRunner } from './client.js';

interface EventRecord {
  id: string;
  rep: number | null;
  type: string;
  at: string;
  lead?: string | null;
  deal?: string | null;
  amount?: number | null;
  stage?: string | null;
  source?: 'inbound' | 'outbound' | null;
  /** Summed bare touches only. */
  count?: number;
}

/** Member id for events naming nobody in the config: they can touch a deal but own nothing. */
export const NOBODY = 0;

/**
 * How to sum "bare" touches (a touch type naming no lead and no deal) in SQL: they only count
 * toward cadences, so one row per rep, type and team week replaces them (about 60% of all rows).
 * `weekStarts` are the team's week starts, oldest first, the last being the current week's; bare
 * touches before the first are not needed and left out.
 */
export interface BareTouchBuckets {
  touchTypes: readonly string[];
  weekStarts: readonly Date[];
}

/**
 * Every event the metrics of these members need, as of `asOf` (exclusive):
 * - their own events from `from` (bare touches summed per week when `buckets` is given);
 * - the whole history (before asOf) of every lead those events name, whoever's events they are:
 *   a lead qualified in a window may have been assigned before `from` (the opportunity rate counts
 *   it), the rep's first assignment and first touch may lie before it, opportunities from the lead
 *   are opened by anyone, and anyone's touch follows a meeting on it up;
 * - the whole history (before asOf) of every deal those events, or those leads' events, name,
 *   since deal ownership, first stage entries and cycle times depend on it (a deal known from one
 *   event only would read as open, aged out or owned by the wrong rep).
 * Rows come back as one JSON document: far cheaper to decode than row-by-row values.
 */
export async function loadMetricEvents(
  db: SqlRunner,
  workspaceId: number,
  memberIds: readonly number[],
  from: Date,
  asOf: Date,
  buckets?: BareTouchBuckets,
): Promise<MetricEvent[]> {
  if (memberIds.length === 0) return [];
  const touchTypes = buckets ? [...buckets.touchTypes] : [];
  const weekStarts = buckets ? buckets.weekStarts.map((d) => d.toISOString()) : [];
  const rows = await db.query<{ events: EventRecord[] | null; weekly: EventRecord[] | null }>(
    // Lateral lookups (OFFSET 0 keeps the planner from flattening them into a hash join over a
    // table scan, which it preferred for mid-sized teams) walk the (identity, time), (deal, time)
    // and (lead, time) indexes per identity, deal and lead; "linked" leaves out the rows "own"
    // already has, so no UNION sort over everything.
    `WITH own_all AS (
       SELECT e.id, e.external_id, i.member_id, e.type, e.occurred_at, e.lead_id, e.deal_id, e.amount, e.stage, e.lead_source,
         (e.lead_id IS NULL AND e.deal_id IS NULL AND e.type = ANY($5::text[])) AS bare
       FROM identity i
       CROSS JOIN LATERAL (
         SELECT * FROM activity_event e WHERE e.identity_id = i.id AND e.occurred_at >= $3 AND e.occurred_at < $4 OFFSET 0
       ) e
       WHERE i.workspace_id = $1 AND i.member_id = ANY($2::int[])
     ),
     own AS (SELECT * FROM own_all WHERE NOT bare),
     bare AS (
       SELECT member_id, type, width_bucket(occurred_at, $6::timestamptz[]) AS bucket, count(*)::int AS n
       FROM own_all WHERE bare
       GROUP BY member_id, type, bucket
     ),
     lead_events AS (
       SELECT e.* FROM (SELECT DISTINCT lead_id FROM own WHERE lead_id IS NOT NULL) l
       CROSS JOIN LATERAL (
         SELECT * FROM activity_event e WHERE e.workspace_id = $1 AND e.lead_id = l.lead_id AND e.occurred_at < $4 OFFSET 0
       ) e
     ),
     linked_raw AS (
       SELECT * FROM lead_events
       UNION
       SELECT e.* FROM (SELECT deal_id FROM own WHERE deal_id IS NOT NULL UNION SELECT deal_id FROM lead_events WHERE deal_id IS NOT NULL) d
       CROSS JOIN LATERAL (
         SELECT * FROM activity_event e WHERE e.workspace_id = $1 AND e.deal_id = d.deal_id AND e.occurred_at < $4 OFFSET 0
       ) e
     ),
     linked AS (
       SELECT e.id, e.external_id, i.member_id, e.type, e.occurred_at, e.lead_id, e.deal_id, e.amount, e.stage, e.lead_source
       FROM linked_raw e JOIN identity i ON i.id = e.identity_id
       WHERE NOT (i.member_id IS NOT NULL AND i.member_id = ANY($2::int[]) AND e.occurred_at >= $3)
     ),
     everything AS (
       SELECT id, external_id, member_id, type, occurred_at, lead_id, deal_id, amount, stage, lead_source FROM own
       UNION ALL SELECT * FROM linked
     )
     SELECT
       (SELECT json_agg(json_build_object(
          'id', external_id, 'rep', member_id, 'type', type, 'at', occurred_at, 'lead', lead_id, 'deal', deal_id,
          'amount', amount::float8, 'stage', stage, 'source', lead_source) ORDER BY occurred_at, id)
        FROM everything) AS events,
       (SELECT json_agg(json_build_object(
          'id', 'weekly:' || member_id || ':' || type || ':' || bucket, 'rep', member_id, 'type', type,
          'at', ($6::timestamptz[])[bucket], 'count', n))
        FROM bare WHERE bucket > 0) AS weekly`,
    [workspaceId, memberIds, from, asOf, touchTypes, weekStarts],
  );
  const records = [...(rows[0]?.events ?? []), ...(rows[0]?.weekly ?? [])];
  return records.map((r) => ({
    id: r.id,
    repId: r.rep ?? NOBODY,
    type: r.type,
    at: Date.parse(r.at),
    leadId: r.lead ?? null,
    dealId: r.deal ?? null,
    amount: r.amount ?? null,
    stage: r.stage ?? null,
    leadSource: r.source ?? null,
    ...(r.count === undefined ? {} : { count: r.count }),
  }));
}
