/**
 * CRM sync state (crm_source, crm_checkpoint): which sources a workspace has, who is syncing one
 * now (a lease, so replicas never sync a source twice at once), where each stream has got to, and
 * how the last attempt ended, for `pacer status` and data health.
 */
import type { StoredSourceSettings } from '../config/apply-sources.js';
import type { SourceHealth } from '../metrics/data-health.js';
import type { SqlRunner } from './client.js';

export interface SourceRow {
  id: number;
  workspaceId: number;
  slackTeamId: string;
  name: string;
  kind: string;
  settings: StoredSourceSettings;
  everyMinutes: number;
  active: boolean;
  lastAttemptAt: Date | null;
  lastSuccessAt: Date | null;
  lastError: string | null;
  failingSince: Date | null;
  lastRun: unknown;
}

interface RawSourceRow {
  id: number;
  workspace_id: number;
  slack_team_id: string;
  name: string;
  kind: string;
  settings: StoredSourceSettings;
  every_minutes: number;
  active: boolean;
  last_attempt_at: Date | null;
  last_success_at: Date | null;
  last_error: string | null;
  failing_since: Date | null;
  last_run: unknown;
}

const toRow = (r: RawSourceRow): SourceRow => ({
  id: r.id,
  workspaceId: r.workspace_id,
  slackTeamId: r.slack_team_id,
  name: r.name,
  kind: r.kind,
  settings: r.settings,
  everyMinutes: r.every_minutes,
  active: r.active,
  lastAttemptAt: r.last_attempt_at,
  lastSuccessAt: r.last_success_at,
  lastError: r.last_error,
  failingSince: r.failing_since,
  lastRun: r.last_run,
});

/** The sources of one workspace (or of all), active ones unless `all`, by workspace and name. */
export async function listSources(db: SqlRunner, options: { workspaceId?: number; includeInactive?: boolean } = {}): Promise<SourceRow[]> {
  const rows = await db.query<RawSourceRow>(
    `SELECT s.id, s.workspace_id, w.slack_team_id, s.name, s.kind, s.settings, s.every_minutes, s.active,
       s.last_attempt_at, s.last_success_at, s.last_error, s.failing_since, s.last_run
     FROM crm_source s JOIN workspace w ON w.id = s.workspace_id
     WHERE ($1::int IS NULL OR s.workspace_id = $1) AND ($2 OR s.active)
     ORDER BY w.slack_team_id, s.name`,
    [options.workspaceId ?? null, options.includeInactive ?? false],
  );
  return rows.map(toRow);
}

/**
 * Takes the source for `processId` until `leaseUntil` unless another process holds an unexpired
 * lease (then its holder is returned). Leases run on the system clock (interfaces.md: lock
 * staleness never follows PACER_NOW). `deadHolder` may be taken over before its lease expires.
 */
export async function claimSource(
  db: SqlRunner,
  sourceId: number,
  processId: string,
  leaseUntil: Date,
  now: Date,
  deadHolder: string | null = null,
): Promise<{ claimed: true } | { claimed: false; holder: string | null }> {
  const rows = await db.query(
    `UPDATE crm_source SET claimed_by = $2, lease_until = $3
     WHERE id = $1 AND (lease_until IS NULL OR lease_until < $4 OR claimed_by = $2 OR claimed_by = $5)
     RETURNING 1`,
    [sourceId, processId, leaseUntil, now, deadHolder],
  );
  if (rows.length > 0) return { claimed: true };
  const holder = await db.query<{ claimed_by: string | null }>('SELECT claimed_by FROM crm_source WHERE id = $1', [sourceId]);
  return { claimed: false, holder: holder[0]?.claimed_by ?? null };
}

/** Extends this process's lease; false when it was lost (expired and taken by another process). */
export async function renewSource(db: SqlRunner, sourceId: number, processId: string, leaseUntil: Date): Promise<boolean> {
  const rows = await db.query('UPDATE crm_source SET lease_until = $3 WHERE id = $1 AND claimed_by = $2 RETURNING 1', [sourceId, processId, leaseUntil]);
  return rows.length > 0;
}

export async function releaseSource(db: SqlRunner, sourceId: number, processId: string): Promise<void> {
  await db.query('UPDATE crm_source SET claimed_by = NULL, lease_until = NULL WHERE id = $1 AND claimed_by = $2', [sourceId, processId]);
}

export async function readCheckpoints(db: SqlRunner, sourceId: number): Promise<Map<string, string>> {
  const rows = await db.query<{ stream: string; position: string }>('SELECT stream, position FROM crm_checkpoint WHERE source_id = $1', [sourceId]);
  return new Map(rows.map((r) => [r.stream, r.position]));
}

export async function saveCheckpoint(db: SqlRunner, sourceId: number, stream: string, position: string, now: Date): Promise<void> {
  await db.query(
    `INSERT INTO crm_checkpoint (source_id, stream, position, updated_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (source_id, stream) DO UPDATE SET position = EXCLUDED.position, updated_at = EXCLUDED.updated_at`,
    [sourceId, stream, position, now],
  );
}

export async function clearCheckpoints(db: SqlRunner, sourceId: number): Promise<void> {
  await db.query('DELETE FROM crm_checkpoint WHERE source_id = $1', [sourceId]);
}

/** Whether a success ended a failing spell (the statement that clears failing_since is the one that knows). */
export async function recordSuccess(db: SqlRunner, sourceId: number, now: Date, lastRun: unknown): Promise<{ recovered: boolean }> {
  const rows = await db.query<{ was_failing: boolean }>(
    // The old value comes from a FROM subquery, read before the update (a CTE read in RETURNING would see the new one).
    `UPDATE crm_source s SET last_attempt_at = $2, last_success_at = $2, last_error = NULL, failing_since = NULL, last_run = $3::jsonb, updated_at = $2
     FROM (SELECT id, failing_since FROM crm_source WHERE id = $1 FOR UPDATE) old
     WHERE s.id = old.id
     RETURNING old.failing_since IS NOT NULL AS was_failing`,
    [sourceId, now, JSON.stringify(lastRun)],
  );
  return { recovered: rows[0]?.was_failing ?? false };
}

export type FailureRecord = { spell: 'started' | 'continues'; failingSince: Date } | { spell: 'transient'; failingSince: null };

/**
 * Records a failed attempt. A stopping failure (one only a person can fix) starts a failing
 * spell unless one is running: only the statement that sets failing_since sees 'started', so the
 * spell is told once however many processes and attempts there are. A transient one (the network,
 * a 5xx, a daily limit) is kept as the last error only. `failingSince` names the spell.
 */
export async function recordFailure(db: SqlRunner, sourceId: number, now: Date, error: string, stopping: boolean): Promise<FailureRecord> {
  const rows = await db.query<{ started: boolean; failing_since: Date | null }>(
    `UPDATE crm_source s SET last_attempt_at = $2, last_error = $3,
       failing_since = CASE WHEN $4::boolean THEN COALESCE(s.failing_since, $2) ELSE s.failing_since END, updated_at = $2
     FROM (SELECT id, failing_since FROM crm_source WHERE id = $1 FOR UPDATE) old
     WHERE s.id = old.id
     RETURNING (old.failing_since IS NULL AND $4::boolean) AS started, s.failing_since`,
    [sourceId, now, error, stopping],
  );
  const row = rows[0];
  if (!row || row.failing_since === null) return { spell: 'transient', failingSince: null };
  return { spell: row.started ? 'started' : 'continues', failingSince: row.failing_since };
}

/**
 * Data health's `sources` for a workspace (metrics.md "Data health"): each active source's last
 * success, and its error while it is failing (a stopping failure; a transient one is not a
 * reason to call the data stale).
 */
export async function sourceHealth(db: SqlRunner, workspaceId: number): Promise<SourceHealth[]> {
  return (await listSources(db, { workspaceId })).map(toSourceHealth);
}

export function toSourceHealth(s: SourceRow): SourceHealth {
  return { name: s.name, lastSuccessAt: s.lastSuccessAt, error: s.failingSince === null ? null : s.lastError };
}
