import type { Database, SqlRunner } from './client.js';
import { enqueueRollups, type RolledEvent } from './rollups-write.js';
import type { RepRef } from '../ingest/event-schema.js';

/** A row ready for activity_event (snake_case keys: they are the JSON record's columns). */
export interface EventRow {
  external_id: string;
  type: string;
  occurred_at: string;
  identity_id: number;
  lead_id: string | null;
  deal_id: string | null;
  amount: number | null;
  stage: string | null;
  lead_source: 'inbound' | 'outbound' | null;
  metadata: Record<string, unknown> | null;
  deal_name: string | null;
  lead_name: string | null;
  account_name: string | null;
  url: string | null;
  version: number | null;
  content_hash: string;
}

const RECORD_COLUMNS = `external_id text, type text, occurred_at timestamptz, identity_id int, lead_id text, deal_id text,
  amount numeric, stage text, lead_source text, metadata jsonb, deal_name text, lead_name text, account_name text, url text,
  version bigint, content_hash text`;

export interface ResolvedIdentity {
  id: number;
  kind: RepRef['kind'];
  value: string;
  memberId: number | null;
  /** Pipeline stages of the member's team (as a rep), when the member is in one. */
  pipelineStages: string[] | null;
}

/**
 * Finds or creates the identities an event batch names and tells whom they belong to, in one
 * statement. An identity created for a person not (yet) in the config has no member; applying a
 * config that adds them links it, and with it every event that names them.
 */
export async function resolveIdentities(db: SqlRunner, workspaceId: number, refs: RepRef[]): Promise<ResolvedIdentity[]> {
  if (refs.length === 0) return [];
  const resolved = await resolveIdentitiesOnce(db, workspaceId, refs);
  if (resolved.length >= new Set(refs.map((r) => `${r.kind}\u0000${r.value}`)).size) return resolved;
  // A concurrent batch created some of these identities after this statement's snapshot was
  // taken: ON CONFLICT skipped them and the snapshot cannot see them. A new statement can.
  const missing = refs.filter((r) => !resolved.some((x) => x.kind === r.kind && x.value === r.value));
  return [...resolved, ...(await resolveIdentitiesOnce(db, workspaceId, missing))];
}

async function resolveIdentitiesOnce(db: SqlRunner, workspaceId: number, refs: RepRef[]): Promise<ResolvedIdentity[]> {
  const rows = await db.query<{ id: number; kind: RepRef['kind']; value: string; member_id: number | null; pipeline_stages: string[] | null }>(
    `WITH refs AS (SELECT * FROM jsonb_to_recordset($2::jsonb) AS k(kind text, value text)),
     created AS (
       INSERT INTO identity (workspace_id, kind, value, member_id, rollup_zone)
       SELECT $1, k.kind::"IdentityKind", k.value, m.member_id,
         -- A new identity has no events yet: its week counts start in its rep team's zone (src/db/rollups-write.ts).
         (SELECT t.timezone || '|' || t.week_starts_on FROM team_membership tm JOIN team t ON t.id = tm.team_id
           WHERE tm.member_id = m.member_id AND tm.role = 'rep' AND t.active ORDER BY t.id LIMIT 1)
       FROM refs k
       CROSS JOIN LATERAL (SELECT (SELECT m.id FROM member m
           WHERE m.workspace_id = $1
             AND CASE k.kind WHEN 'email' THEN m.email = k.value
                             WHEN 'slack' THEN m.slack_user_id = k.value
                             ELSE m.crm_owner_id = k.value END
           ORDER BY m.active DESC, m.id LIMIT 1) AS member_id) m
       -- One order for every batch, so concurrent batches naming the same new people cannot deadlock.
       ORDER BY k.kind, k.value
       ON CONFLICT (workspace_id, kind, value) DO NOTHING
       RETURNING id, kind, value, member_id
     ),
     found AS (
       SELECT id, kind, value, member_id FROM created
       UNION ALL
       SELECT i.id, i.kind, i.value, i.member_id FROM identity i
       JOIN refs k ON i.kind = k.kind::"IdentityKind" AND i.value = k.value
       WHERE i.workspace_id = $1
     )
     SELECT DISTINCT ON (f.kind, f.value) f.id, f.kind::text AS kind, f.value, f.member_id,
       (SELECT t.pipeline_stages FROM team_membership tm JOIN team t ON t.id = tm.team_id
         WHERE tm.member_id = f.member_id AND t.active
         ORDER BY (tm.role = 'rep') DESC, t.id LIMIT 1) AS pipeline_stages
     FROM found f`,
    [workspaceId, JSON.stringify(refs)],
  );
  return rows.map((r) => ({ id: r.id, kind: r.kind, value: r.value, memberId: r.member_id, pipelineStages: r.pipeline_stages }));
}

/**
 * Marks the workspace's data as changed: a cached report read before this (its version read
 * before it was computed) is recomputed on next use. Run it in the transaction of the write it
 * marks, as its last statement: the two commit together, and the workspace row stays locked
 * only for the commit.
 */
export async function bumpDataVersion(tx: SqlRunner, workspaceId: number): Promise<void> {
  await tx.query('UPDATE workspace SET data_version = data_version + 1 WHERE id = $1', [workspaceId]);
}

/**
 * Inserts the rows whose external id is new and locks the stored rows of the others (ON CONFLICT
 * DO UPDATE locks the row it meets even when its WHERE skips the update) until the transaction
 * ends, so what the caller then reads of them cannot change before it writes. Rows are taken in
 * external id order: concurrent batches lock the ids they share in one order and cannot deadlock.
 * Returns the ids inserted. Run it in a transaction. `receivedAt` is Pacer's clock (docs/metrics.md
 * "Data health"), not the database's: PACER_NOW runs must agree with it.
 */
export async function insertOrLockEvents(tx: SqlRunner, workspaceId: number, rows: EventRow[], receivedAt: Date): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const inserted = await tx.query<{ external_id: string }>(
    `INSERT INTO activity_event AS e (workspace_id, external_id, type, occurred_at, identity_id, lead_id, deal_id, amount,
       stage, lead_source, metadata, deal_name, lead_name, account_name, url, version, content_hash, received_at)
     SELECT $1, r.external_id, r.type, r.occurred_at, r.identity_id, r.lead_id, r.deal_id, r.amount,
       r.stage, r.lead_source::"LeadSource", r.metadata, r.deal_name, r.lead_name, r.account_name, r.url, r.version, r.content_hash, $3
     FROM jsonb_to_recordset($2::jsonb) AS r(${RECORD_COLUMNS})
     ORDER BY r.external_id COLLATE "C"
     ON CONFLICT (workspace_id, external_id) DO UPDATE SET version = e.version WHERE false
     RETURNING e.external_id`,
    [workspaceId, JSON.stringify(rows), receivedAt],
  );
  return new Set(inserted.map((r) => r.external_id));
}

export interface StoredVersion {
  contentHash: string;
  version: number | null;
}

export async function storedVersions(db: SqlRunner, workspaceId: number, externalIds: string[]): Promise<Map<string, StoredVersion>> {
  if (externalIds.length === 0) return new Map();
  const rows = await db.query<{ external_id: string; content_hash: string; version: number | null }>(
    // A lateral lookup per id: the unique index serves each one even before the table has
    // statistics (a freshly loaded table made the planner scan the whole workspace).
    // bigint comes back from the driver as text; float8 carries every version (≤ 2^53 − 1) exactly.
    `SELECT e.external_id, e.content_hash, e.version::float8 AS version
     FROM unnest($2::text[]) AS x(id)
     JOIN LATERAL (SELECT external_id, content_hash, version FROM activity_event
                   WHERE workspace_id = $1 AND external_id = x.id) e ON true`,
    [workspaceId, externalIds],
  );
  return new Map(rows.map((r) => [r.external_id, { contentHash: r.content_hash, version: r.version }]));
}

/** What the rollups need of a stored event (src/db/rollups-write.ts RolledEvent), as SQL returns it. */
const ROLLED_COLUMNS = (t: string) =>
  `${t}.identity_id AS "identityId", ${t}.type, (extract(epoch FROM ${t}.occurred_at) * 1000)::float8 AS at, ${t}.amount::float8 AS amount, ${t}.lead_id AS "leadId", ${t}.deal_id AS "dealId"`;

/**
 * Replaces stored events whose rows the caller's transaction holds locked (insertOrLockEvents);
 * returns what they held before, for the rollups.
 */
export async function replaceEvents(tx: SqlRunner, workspaceId: number, rows: EventRow[], receivedAt: Date): Promise<RolledEvent[]> {
  if (rows.length === 0) return [];
  return tx.query<RolledEvent>(
    // The FROM list's "old" is the row as it was before this statement: the values replaced.
    `UPDATE activity_event e SET
       type = r.type, occurred_at = r.occurred_at, identity_id = r.identity_id, lead_id = r.lead_id,
       deal_id = r.deal_id, amount = r.amount, stage = r.stage, lead_source = r.lead_source::"LeadSource",
       metadata = r.metadata, deal_name = r.deal_name, lead_name = r.lead_name, account_name = r.account_name, url = r.url,
       version = r.version, content_hash = r.content_hash, received_at = $3
     FROM jsonb_to_recordset($2::jsonb) AS r(${RECORD_COLUMNS})
     JOIN activity_event old ON old.workspace_id = $1 AND old.external_id = r.external_id
     WHERE e.id = old.id
     RETURNING ${ROLLED_COLUMNS('old')}`,
    [workspaceId, JSON.stringify(rows), receivedAt],
  );
}

/** An event row as the rollups see it. */
export function rolledEvent(row: EventRow): RolledEvent {
  return { identityId: row.identity_id, type: row.type, at: Date.parse(row.occurred_at), amount: row.amount, leadId: row.lead_id, dealId: row.deal_id };
}

/**
 * Deletes the events with these external ids (those that exist), updates the rollups and bumps the
 * data version, in one transaction; returns how many it removed. Rows are locked in external id
 * order, as insertOrLockEvents takes them, so a delete and a batch sharing ids cannot deadlock.
 */
export async function deleteEvents(db: Database, workspaceId: number, externalIds: readonly string[]): Promise<number> {
  if (externalIds.length === 0) return 0;
  return db.transactionScript(async (tx) => {
    const removed = await tx.query<RolledEvent>(
      `WITH doomed AS (
         SELECT id FROM activity_event WHERE workspace_id = $1 AND external_id = ANY($2::text[])
         ORDER BY external_id COLLATE "C" FOR UPDATE
       )
       DELETE FROM activity_event e USING doomed d WHERE e.id = d.id
       RETURNING ${ROLLED_COLUMNS('e')}`,
      [workspaceId, [...externalIds]],
    );
    if (removed.length === 0) return 0;
    await enqueueRollups(tx, workspaceId, [], removed);
    await bumpDataVersion(tx, workspaceId);
    return removed.length;
  });
}

/**
 * A CRM record's stored events other than those it now makes: the record's events have ids equal
 * to its key or starting with key + ':' (a range scan of the unique index: ids are COLLATE "C",
 * where ';' follows ':').
 */
export async function staleRecordEvents(db: SqlRunner, workspaceId: number, records: readonly { key: string; eventIds: readonly string[] }[]): Promise<string[]> {
  if (records.length === 0) return [];
  const rows = await db.query<{ external_id: string }>(
    `SELECT e.external_id
     FROM jsonb_to_recordset($2::jsonb) AS r(key text, keep text[])
     -- Two index probes, not one OR: with the OR the planner scanned the workspace's events per record.
     JOIN LATERAL (SELECT external_id FROM activity_event WHERE workspace_id = $1 AND external_id = r.key
                   UNION ALL
                   SELECT external_id FROM activity_event
                   WHERE workspace_id = $1 AND external_id > r.key || ':' AND external_id < r.key || ';') e ON true
     WHERE NOT (e.external_id = ANY(r.keep))`,
    [workspaceId, JSON.stringify(records.map((r) => ({ key: r.key, keep: r.eventIds })))],
  );
  return rows.map((r) => r.external_id);
}

export async function deleteEvent(db: Database, workspaceId: number, externalId: string): Promise<boolean> {
  return (await deleteEvents(db, workspaceId, [externalId])) > 0;
}

export interface IngestContext {
  /** Touch types the workspace's teams declared on top of the core ones. */
  extraTouchTypes: Set<string>;
  /** Every stage of every active team's pipeline, or null when no team has one (accept any stage). */
  stages: Set<string> | null;
}

/** What validating a batch needs to know about the workspace, in one round trip. */
export async function ingestContext(db: SqlRunner, workspaceId: number): Promise<IngestContext> {
  const rows = await db.query<{ touch_types: string[] | null; stages: string[] | null }>(
    `SELECT
       (SELECT array_agg(DISTINCT t) FROM (
          SELECT unnest(touch_types) FROM workspace WHERE id = $1
          UNION ALL SELECT unnest(touch_types) FROM team WHERE workspace_id = $1 AND active) AS x(t)) AS touch_types,
       (SELECT array_agg(DISTINCT s) FROM (
          SELECT unnest(pipeline_stages) FROM team WHERE workspace_id = $1 AND active) AS y(s)) AS stages`,
    [workspaceId],
  );
  const row = rows[0];
  return { extraTouchTypes: new Set(row?.touch_types ?? []), stages: row?.stages ? new Set(row.stages) : null };
}
