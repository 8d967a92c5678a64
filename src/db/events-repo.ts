import type { SqlRunner } from './client.js';
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
  version: number | null;
  content_hash: string;
}

const RECORD_COLUMNS = `external_id text, type text, occurred_at timestamptz, identity_id int, lead_id text, deal_id text,
  amount numeric, stage text, lead_source text, metadata jsonb, version int, content_hash text`;

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
       INSERT INTO identity (workspace_id, kind, value, member_id)
       SELECT $1, k.kind::"IdentityKind", k.value,
         (SELECT m.id FROM member m
           WHERE m.workspace_id = $1
             AND CASE k.kind WHEN 'email' THEN m.email = k.value
                             WHEN 'slack' THEN m.slack_user_id = k.value
                             ELSE m.crm_owner_id = k.value END
           ORDER BY m.active DESC, m.id LIMIT 1)
       FROM refs k
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
 * Marks the workspace's data as changed, after a write committed: a cached report read before
 * this (its version read before it was computed) is recomputed on next use.
 */
export async function bumpDataVersion(db: SqlRunner, workspaceId: number): Promise<void> {
  await db.query('UPDATE workspace SET data_version = data_version + 1 WHERE id = $1', [workspaceId]);
}

/**
 * Inserts the rows whose external id is new; returns the ids inserted. `receivedAt` is Pacer's
 * clock (metrics.md "Data health"), not the database's: PACER_NOW runs must agree with it.
 */
export async function insertNewEvents(db: SqlRunner, workspaceId: number, rows: EventRow[], receivedAt: Date): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const inserted = await db.query<{ external_id: string }>(
    `INSERT INTO activity_event (workspace_id, external_id, type, occurred_at, identity_id, lead_id, deal_id, amount,
       stage, lead_source, metadata, version, content_hash, received_at)
     SELECT $1, r.external_id, r.type, r.occurred_at, r.identity_id, r.lead_id, r.deal_id, r.amount,
       r.stage, r.lead_source::"LeadSource", r.metadata, r.version, r.content_hash, $3
     FROM jsonb_to_recordset($2::jsonb) AS r(${RECORD_COLUMNS})
     ON CONFLICT (workspace_id, external_id) DO NOTHING
     RETURNING external_id`,
    [workspaceId, JSON.stringify(rows), receivedAt],
  );
  if (inserted.length > 0) await bumpDataVersion(db, workspaceId);
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
    `SELECT e.external_id, e.content_hash, e.version
     FROM unnest($2::text[]) AS x(id)
     JOIN LATERAL (SELECT external_id, content_hash, version FROM activity_event
                   WHERE workspace_id = $1 AND external_id = x.id) e ON true`,
    [workspaceId, externalIds],
  );
  return new Map(rows.map((r) => [r.external_id, { contentHash: r.content_hash, version: r.version }]));
}

/**
 * Replaces stored events, each only if it still has the content the caller decided against
 * (optimistic check): a row changed meanwhile by a concurrent batch is left alone and not
 * returned, so the caller decides it again.
 */
export async function replaceEvents(db: SqlRunner, workspaceId: number, updates: { row: EventRow; expectedHash: string }[], receivedAt: Date): Promise<Set<string>> {
  if (updates.length === 0) return new Set();
  const updated = await db.query<{ external_id: string }>(
    `UPDATE activity_event e SET
       type = r.type, occurred_at = r.occurred_at, identity_id = r.identity_id, lead_id = r.lead_id,
       deal_id = r.deal_id, amount = r.amount, stage = r.stage, lead_source = r.lead_source::"LeadSource",
       metadata = r.metadata, version = r.version, content_hash = r.content_hash, received_at = $3
     FROM jsonb_to_recordset($2::jsonb) AS r(${RECORD_COLUMNS}, expected_hash text)
     WHERE e.workspace_id = $1 AND e.external_id = r.external_id AND e.content_hash = r.expected_hash
     RETURNING e.external_id`,
    [workspaceId, JSON.stringify(updates.map((u) => ({ ...u.row, expected_hash: u.expectedHash }))), receivedAt],
  );
  if (updated.length > 0) await bumpDataVersion(db, workspaceId);
  return new Set(updated.map((r) => r.external_id));
}

export async function deleteEvent(db: SqlRunner, workspaceId: number, externalId: string): Promise<boolean> {
  const removed = await db.query('DELETE FROM activity_event WHERE workspace_id = $1 AND external_id = $2 RETURNING 1', [workspaceId, externalId]);
  if (removed.length > 0) await bumpDataVersion(db, workspaceId);
  return removed.length > 0;
}

/** Deletes the events with these external ids (those that exist); returns how many it removed. */
export async function deleteEvents(db: SqlRunner, workspaceId: number, externalIds: readonly string[]): Promise<number> {
  if (externalIds.length === 0) return 0;
  const removed = await db.query('DELETE FROM activity_event WHERE workspace_id = $1 AND external_id = ANY($2::text[]) RETURNING 1', [workspaceId, [...externalIds]]);
  if (removed.length > 0) await bumpDataVersion(db, workspaceId);
  return removed.length;
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
