import { sql } from 'kysely';
import type { SqlRunner } from './client.js';
import { REVISIONS_SQL, revisionScopes, type RevisionScope } from './rollups-read.js';

/** How long a team's snapshots of past weeks are kept after a newer one is written (reports of the past rebuild theirs). */
const KEEP_PAST_DAYS = 14;

/**
 * The fingerprint a team's snapshot for the week starting at `scope.weekEnd` must carry —
 * `configFingerprint` and rollupRevisions' fingerprint of the scope — and whether one is kept
 * under it, in one statement; with `withBody`, its body too (else null: the job only checks),
 * unless it is kept under `heldFingerprint` (the caller holds that body decoded already).
 */
export async function readCurrentTeamSnapshot(
  db: SqlRunner,
  workspaceId: number,
  scope: RevisionScope,
  configFingerprint: string,
  withBody: boolean,
  heldFingerprint: string | null = null,
): Promise<{ fingerprint: string; kept: boolean; body: unknown }> {
  const [row] = await db.query<{ fingerprint: string; kept: boolean; body: unknown }>(
    `WITH f AS (${REVISIONS_SQL})
     SELECT $3 || '/' || f.fingerprint AS fingerprint, s.team_id IS NOT NULL AS kept, CASE WHEN $5 AND s.fingerprint IS DISTINCT FROM $6::text THEN s.body END AS body
     FROM f LEFT JOIN team_snapshot s ON s.team_id = f.team_id AND s.week_start = $4 AND s.fingerprint = $3 || '/' || f.fingerprint`,
    [workspaceId, revisionScopes([scope]), configFingerprint, scope.weekEnd, withBody, heldFingerprint],
  );
  if (!row) throw new Error(`no rollup fingerprint for team ${scope.teamId}`);
  return { fingerprint: row.fingerprint, kept: row.kept, body: row.body ?? null };
}

/**
 * Keeps a team's snapshot for a week, replacing whatever was kept for it: one statement writes
 * fingerprint and body together, so a reader sees either row whole. Of two concurrent writers the
 * later one's row stays; one built from older rollups carries their fingerprint and is rebuilt on
 * next use. Snapshots of weeks well before this one are dropped.
 */
export async function keepTeamSnapshot(db: SqlRunner, teamId: number, weekStart: Date, fingerprint: string, body: unknown): Promise<void> {
  await sql`
    INSERT INTO team_snapshot AS s (team_id, week_start, fingerprint, body)
    VALUES (${teamId}, ${weekStart}, ${fingerprint}, ${JSON.stringify(body)}::json)
    ON CONFLICT (team_id, week_start) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, body = EXCLUDED.body, computed_at = now()`.execute(db.kysely);
  const before = new Date(weekStart.getTime() - KEEP_PAST_DAYS * 86_400_000);
  await db.kysely.deleteFrom('team_snapshot').where('team_id', '=', teamId).where('week_start', '<', before).execute();
}
