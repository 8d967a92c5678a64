/**
 * CRM sync state (crm_source, crm_checkpoint): which sources a workspace has, who is syncing one
 * now (a lease, so replicas never sync a source twice at once), where each stream has got to, and
 * how the last attempt ended, for `pacer status` and data health.
 */
import type { StoredSourceSettings } from '../config/apply-sources.js';
import type { SourceHealth } from '../metrics/data-health.js';
import { sql } from 'kysely';
import type { Database, SqlRunner } from './client.js';

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

/** The sources of one workspace (or of all), active ones unless `all`, by workspace and name. */
export async function listSources(db: SqlRunner, options: { workspaceId?: number; includeInactive?: boolean } = {}): Promise<SourceRow[]> {
  const { workspaceId, includeInactive = false } = options;
  const rows = await db.kysely
    .selectFrom('crm_source as s')
    .innerJoin('workspace as w', 'w.id', 's.workspace_id')
    .select([
      's.id',
      's.workspace_id',
      'w.slack_team_id',
      's.name',
      's.kind',
      's.settings',
      's.every_minutes',
      's.active',
      's.last_attempt_at',
      's.last_success_at',
      's.last_error',
      's.failing_since',
      's.last_run',
    ])
    .$if(workspaceId !== undefined, (q) => q.where('s.workspace_id', '=', workspaceId!))
    .$if(!includeInactive, (q) => q.where('s.active', '=', true))
    .orderBy('w.slack_team_id')
    .orderBy('s.name')
    .execute();
  return rows.map((r) => ({
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
  }));
}

/**
 * Takes the source for `processId` until `leaseUntil` unless another process holds an unexpired
 * lease (then its holder is returned). Leases run on the system clock (docs/interfaces.md: lock
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
  const claimed = await db.kysely
    .updateTable('crm_source')
    .set({ claimed_by: processId, lease_until: leaseUntil })
    .where('id', '=', sourceId)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now), eb('claimed_by', '=', processId), eb('claimed_by', '=', deadHolder)]))
    .returning('id')
    .executeTakeFirst();
  if (claimed) return { claimed: true };
  const holder = await db.kysely.selectFrom('crm_source').select('claimed_by').where('id', '=', sourceId).executeTakeFirst();
  return { claimed: false, holder: holder?.claimed_by ?? null };
}

/** Extends this process's lease; false when it was lost (expired and taken by another process). */
export async function renewSource(db: SqlRunner, sourceId: number, processId: string, leaseUntil: Date): Promise<boolean> {
  const renewed = await db.kysely.updateTable('crm_source').set({ lease_until: leaseUntil }).where('id', '=', sourceId).where('claimed_by', '=', processId).executeTakeFirst();
  return renewed.numUpdatedRows > 0n;
}

export async function releaseSource(db: SqlRunner, sourceId: number, processId: string): Promise<void> {
  await db.kysely.updateTable('crm_source').set({ claimed_by: null, lease_until: null }).where('id', '=', sourceId).where('claimed_by', '=', processId).execute();
}

export async function readCheckpoints(db: SqlRunner, sourceId: number): Promise<Map<string, string>> {
  const rows = await db.kysely.selectFrom('crm_checkpoint').select(['stream', 'position']).where('source_id', '=', sourceId).execute();
  return new Map(rows.map((r) => [r.stream, r.position]));
}

export async function saveCheckpoint(db: SqlRunner, sourceId: number, stream: string, position: string, now: Date): Promise<void> {
  await db.kysely
    .insertInto('crm_checkpoint')
    .values({ source_id: sourceId, stream, position, updated_at: now })
    .onConflict((oc) => oc.columns(['source_id', 'stream']).doUpdateSet((eb) => ({ position: eb.ref('excluded.position'), updated_at: eb.ref('excluded.updated_at') })))
    .execute();
}

export async function clearCheckpoints(db: SqlRunner, sourceId: number): Promise<void> {
  await db.kysely.deleteFrom('crm_checkpoint').where('source_id', '=', sourceId).execute();
}

/** Whether a success ended a failing spell (the statement that clears failing_since is the one that knows). */
export async function recordSuccess(db: SqlRunner, sourceId: number, now: Date, lastRun: unknown): Promise<{ recovered: boolean }> {
  // The old value comes from a FROM subquery, read before the update (a CTE read in RETURNING would see the new one).
  const { rows } = await sql<{ was_failing: boolean }>`
    UPDATE crm_source s SET last_attempt_at = ${now}, last_success_at = ${now}, last_error = NULL, failing_since = NULL,
      last_run = ${JSON.stringify(lastRun)}::jsonb, updated_at = ${now}
    FROM (SELECT id, failing_since FROM crm_source WHERE id = ${sourceId} FOR UPDATE) old
    WHERE s.id = old.id
    RETURNING old.failing_since IS NOT NULL AS was_failing`.execute(db.kysely);
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
  const { rows } = await sql<{ started: boolean; failing_since: Date | null }>`
    UPDATE crm_source s SET last_attempt_at = ${now}, last_error = ${error},
      failing_since = CASE WHEN ${stopping}::boolean THEN COALESCE(s.failing_since, ${now}) ELSE s.failing_since END, updated_at = ${now}
    FROM (SELECT id, failing_since FROM crm_source WHERE id = ${sourceId} FOR UPDATE) old
    WHERE s.id = old.id
    RETURNING (old.failing_since IS NULL AND ${stopping}::boolean) AS started, s.failing_since`.execute(db.kysely);
  const row = rows[0];
  if (!row || row.failing_since === null) return { spell: 'transient', failingSince: null };
  return { spell: row.started ? 'started' : 'continues', failingSince: row.failing_since };
}

/**
 * Data health's `sources` for a workspace (docs/metrics.md "Data health"): each active source's last
 * success, and its error while it is failing (a stopping failure; a transient one is not a
 * reason to call the data stale).
 */
export async function sourceHealth(db: SqlRunner, workspaceId: number): Promise<SourceHealth[]> {
  return (await listSources(db, { workspaceId })).map(toSourceHealth);
}

export function toSourceHealth(s: SourceRow): SourceHealth {
  return { name: s.name, lastSuccessAt: s.lastSuccessAt, error: s.failingSince === null ? null : s.lastError };
}

/** Who is told when a source of the workspace stops, and whether Slack can reach them. */
export async function sourceAdmins(db: Database, workspaceId: number): Promise<{ admins: string[]; slackDisconnected: boolean; workspaces: number }> {
  const [workspace, workspaces] = await Promise.all([
    db.kysely.selectFrom('workspace').select(['admins', 'slack_disconnected_at']).where('id', '=', workspaceId).executeTakeFirst(),
    db.kysely
      .selectFrom('workspace')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { admins: workspace?.admins ?? [], slackDisconnected: workspace?.slack_disconnected_at != null, workspaces: Number(workspaces.n) };
}

/** The source's current failing spell (null once a success ended it). */
export async function failingSince(db: SqlRunner, sourceId: number): Promise<Date | null> {
  const row = await db.kysely.selectFrom('crm_source').select('failing_since').where('id', '=', sourceId).executeTakeFirst();
  return row?.failing_since ?? null;
}
